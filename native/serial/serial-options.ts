/** How a port is opened. The till's device configuration (main/devices) maps onto this. */

export type SerialParity = 'none' | 'even' | 'odd';
export type SerialFlowControl = 'none' | 'rtscts' | 'xonxoff';

export interface SerialOptions {
  path: string;
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: SerialParity;
  stopBits?: 1 | 2;
  /** RTS/CTS (hardware) or XON/XOFF (software); serialport has no DTR/DSR flow control. */
  flowControl?: SerialFlowControl;
  /** How long open() may take before it counts as failed (a hung USB adapter). */
  openTimeoutMs?: number;
  /** How often the device node is checked while open (0: never); see SerialConnection. */
  watchMs?: number;
}

export const SERIAL_DEFAULTS = {
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  flowControl: 'none',
  openTimeoutMs: 5_000,
  watchMs: 250,
} as const satisfies Partial<SerialOptions>;

/** One port the operating system knows about (USB adapters show maker and ids). */
export interface SerialPortInfo {
  path: string;
  manufacturer: string | null;
  serialNumber: string | null;
  vendorId: string | null;
  productId: string | null;
  pnpId: string | null;
}
