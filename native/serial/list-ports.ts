import { serialportModule } from './load-serialport';
import { SerialError } from './serial-error';
import type { SerialPortInfo } from './serial-options';

/**
 * The serial ports the system reports. On Linux this reads udev: without it (a container,
 * udev not installed) the list fails with LIST_FAILED rather than claiming "no ports".
 * Pseudo-terminals (socat pairs) are never listed; they are opened by path.
 */
export async function listSerialPorts(): Promise<SerialPortInfo[]> {
  let ports;
  try {
    ports = await serialportModule().SerialPort.list();
  } catch (cause) {
    throw new SerialError('LIST_FAILED', `serial ports cannot be listed: ${cause instanceof Error ? cause.message : String(cause)} (on Linux this needs udev)`, { cause });
  }
  return ports
    .map((p) => ({
      path: p.path,
      manufacturer: p.manufacturer ?? null,
      serialNumber: p.serialNumber ?? null,
      vendorId: p.vendorId ?? null,
      productId: p.productId ?? null,
      pnpId: p.pnpId ?? null,
    }))
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}
