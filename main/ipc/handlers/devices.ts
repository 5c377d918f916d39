import type { DevicesView, SerialPortView } from '../../../preload/contract';
import { listSerialPorts } from '../../devices/serial-ports';
import { DISPLAY_PROTOCOLS } from '../../devices/device-config';
import { PRINTER_PROFILES } from '../../devices/profiles';
import type { CallContext, HandlerTable } from '../call-context';
import { deviceView } from '../views';

/** The serial printer and customer display: list, configure, remove, test (what `till devices` does). */

async function ports(): Promise<SerialPortView[]> {
  try {
    return (await listSerialPorts()).map((p) => ({ path: p.path, manufacturer: p.manufacturer, serialNumber: p.serialNumber }));
  } catch {
    // No udev (a container): the screen still configures a port by its path.
    return [];
  }
}

async function devicesList(ctx: CallContext): Promise<DevicesView> {
  if (ctx.devices.views().length > 0) {
    // Enabled devices are opened and asked, so the list shows their state now.
    const { store, manager } = ctx.devices.get();
    await Promise.all(store.list().filter((d) => d.enabled).map((d) => manager.check(d.name)));
  }
  return {
    devices: ctx.devices.views(),
    ports: await ports(),
    printerProfiles: Object.keys(PRINTER_PROFILES),
    displayProtocols: [...DISPLAY_PROTOCOLS],
  };
}

export const deviceHandlers: HandlerTable<'devices.list' | 'devices.save' | 'devices.remove' | 'devices.test'> = {
  'devices.list': devicesList,
  'devices.save': async (ctx, { device }) => {
    const { store, manager } = ctx.devices.get();
    const { name, ...settings } = device;
    const saved = store.get(name) ? store.update(name, settings) : store.add(device);
    const status = saved.enabled ? await manager.check(saved.name) : undefined;
    ctx.devices.changed();
    return deviceView(saved, status);
  },
  'devices.remove': (ctx, { name }) => {
    const removed = ctx.devices.get().store.remove(name);
    if (removed) ctx.devices.changed();
    return { removed };
  },
  'devices.test': async (ctx, { name }) => {
    const { store, checkout } = ctx.devices.get();
    const result = await checkout.test(store.require(name)).done;
    return { ok: result.ok, message: result.ok ? `sent ${result.bytes} bytes in ${result.ms} ms` : `${result.code ?? 'FAILED'}: ${result.message ?? 'the device did not take the test'}` };
  },
};
