import { isSerialError, listSerialPorts, type SerialPortInfo } from '../../devices/serial-ports';
import { parseDeviceField, type DeviceConfig, type DeviceInput, type DevicePatch } from '../../devices/device-config';
import type { DeviceStatus, JobResult } from '../../devices/device-manager';
import { TillError } from '../../errors';
import { parse, requireOption, stringOption, type Options } from '../args';
import { EXIT, UsageError, type Output } from '../output';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = `till devices list
       till devices add NAME --role printer|display --path PORT [--baud 9600] [--data-bits 8]
            [--parity none|even|odd] [--stop-bits 1|2] [--flow none|rtscts|xonxoff] [--profile ID]
       till devices set NAME [--path PORT] [--baud N] … [--profile ID] [--enabled true|false]
       till devices remove NAME
       till devices test [NAME]`;

/** Command-line flag → device setting. */
const FLAGS: Record<string, keyof DevicePatch> = {
  role: 'role',
  path: 'path',
  baud: 'baud',
  'data-bits': 'dataBits',
  parity: 'parity',
  'stop-bits': 'stopBits',
  flow: 'flow',
  profile: 'profile',
  enabled: 'enabled',
};

function flagOptions(names: readonly string[]): Options {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
}

function patchFrom(values: Record<string, unknown>, names: readonly string[]): DevicePatch {
  let patch: DevicePatch = {};
  for (const flag of names) {
    const text = stringOption(values, flag);
    if (text !== undefined) patch = { ...patch, ...parseDeviceField(FLAGS[flag]!, text) };
  }
  return patch;
}

/** The stable JSON of a configured device (README: "JSON output"). */
export function deviceJson(device: DeviceConfig): Record<string, unknown> {
  return {
    name: device.name,
    role: device.role,
    path: device.path,
    baud: device.baud,
    dataBits: device.dataBits,
    parity: device.parity,
    stopBits: device.stopBits,
    flow: device.flow,
    profile: device.profile,
    enabled: device.enabled,
    updatedAt: device.updatedAt,
  };
}

function statusJson(status: DeviceStatus): Record<string, unknown> {
  const p = status.printer;
  return {
    state: status.state,
    code: status.code,
    message: status.message,
    printer: p ? { online: p.online, coverOpen: p.coverOpen, paperNearEnd: p.paperNearEnd, paperEnd: p.paperEnd, error: p.error } : null,
  };
}

function jobJson(result: JobResult): Record<string, unknown> {
  return { device: result.device, ok: result.ok, code: result.code, message: result.message, bytes: result.bytes, ms: result.ms, state: result.state };
}

function frame(device: DeviceConfig): string {
  return `${device.baud} ${device.dataBits}${device.parity[0]!.toUpperCase()}${device.stopBits}${device.flow === 'none' ? '' : ` ${device.flow}`}`;
}

function deviceLine(device: DeviceConfig, status?: DeviceStatus): string {
  const state = !device.enabled ? 'disabled' : status ? `${status.state}${status.state === 'ready' || !status.message ? '' : `: ${status.message}`}` : '';
  return `${device.name.padEnd(12)} ${device.role.padEnd(8)} ${device.path}  ${frame(device)}  ${device.profile}  ${state}`.trimEnd();
}

function portLine(port: SerialPortInfo): string {
  const ids = port.vendorId && port.productId ? ` (${port.vendorId}:${port.productId})` : '';
  const maker = port.manufacturer ? `  ${port.manufacturer}${ids}` : ids;
  return `  ${port.path}${maker}`;
}

function portJson(port: SerialPortInfo): Record<string, unknown> {
  return { path: port.path, manufacturer: port.manufacturer, serialNumber: port.serialNumber, vendorId: port.vendorId, productId: port.productId };
}

function positional(ctx: CommandContext, options: Options, count: { min: number; max: number }) {
  return parse(ctx.args.slice(1), options, { ...count, usage: USAGE });
}

export function run(ctx: CommandContext): Promise<number> {
  const [verb] = ctx.args;
  // Arguments are checked before the till is opened: a typo must not create a data directory.
  switch (verb) {
    case 'list': {
      positional(ctx, {}, { min: 0, max: 0 });
      return list(ctx);
    }
    case 'add': {
      const names = Object.keys(FLAGS).filter((f) => f !== 'enabled');
      const { values, positionals } = positional(ctx, flagOptions(names), { min: 1, max: 1 });
      const input: DeviceInput = {
        ...patchFrom(values, names),
        name: positionals[0]!,
        role: parseDeviceField('role', requireOption(values, 'role', USAGE)).role!,
        path: requireOption(values, 'path', USAGE),
      };
      return withTill(ctx, async (till) => {
        const device = till.devices.get().store.add(input);
        ctx.out.result({ ok: true, device: deviceJson(device) });
        ctx.out.say(`added ${deviceLine(device)}`);
        ctx.out.say(`Try it: till devices test ${device.name}`);
        return EXIT.ok;
      });
    }
    case 'set': {
      const names = Object.keys(FLAGS);
      const { values, positionals } = positional(ctx, flagOptions(names), { min: 1, max: 1 });
      const patch = patchFrom(values, names);
      if (Object.keys(patch).length === 0) throw new UsageError(`nothing to change: give at least one --setting\nusage: ${USAGE}`);
      return withTill(ctx, async (till) => {
        const device = till.devices.get().store.update(positionals[0]!, patch);
        ctx.out.result({ ok: true, device: deviceJson(device) });
        ctx.out.say(deviceLine(device));
        return EXIT.ok;
      });
    }
    case 'remove': {
      const { positionals } = positional(ctx, {}, { min: 1, max: 1 });
      const name = positionals[0]!;
      return withTill(ctx, async (till) => {
        if (!till.devices.get().store.remove(name)) throw new TillError('DEVICE_NOT_FOUND', `no device named ${JSON.stringify(name)} (see \`till devices list\`)`, { field: 'name' });
        ctx.out.result({ ok: true, name, removed: true });
        ctx.out.say(`removed ${name}`);
        return EXIT.ok;
      });
    }
    case 'test': {
      const { positionals } = positional(ctx, {}, { min: 0, max: 1 });
      return test(ctx, positionals[0]);
    }
    default:
      throw new UsageError(`usage: ${USAGE}`);
  }
}

/** Ports the system knows, and each configured device with its state (enabled ones are opened and asked). */
function list(ctx: CommandContext): Promise<number> {
  return withTill(ctx, async (till) => {
    const { store, manager } = till.devices.get();
    let ports: SerialPortInfo[] = [];
    let portsError: { code: string; message: string } | null = null;
    try {
      ports = await listSerialPorts();
    } catch (error) {
      portsError = { code: isSerialError(error) ? error.code : 'LIST_FAILED', message: error instanceof Error ? error.message : String(error) };
    }
    const devices = store.list();
    const statuses = new Map<string, DeviceStatus>();
    await Promise.all(devices.filter((d) => d.enabled).map(async (d) => statuses.set(d.name, await manager.check(d.name))));
    ctx.out.result({
      ok: true,
      ports: ports.map(portJson),
      portsError,
      devices: devices.map((d) => ({ ...deviceJson(d), status: statuses.has(d.name) ? statusJson(statuses.get(d.name)!) : null })),
    });
    say(ctx.out, 'Serial ports on this machine:', portsError ? [`  (cannot be listed: ${portsError.message})`] : ports.length === 0 ? ['  (none found)'] : ports.map(portLine));
    say(ctx.out, 'Configured devices:', devices.length === 0 ? ['  (none: till devices add NAME --role printer --path PORT)'] : devices.map((d) => `  ${deviceLine(d, statuses.get(d.name))}`));
    return EXIT.ok;
  });
}

function say(out: Output, title: string, lines: string[]): void {
  out.say(title);
  for (const line of lines) out.say(line);
}

/** A test slip (printer) or a test line (display) on one device or on every enabled one. */
function test(ctx: CommandContext, name: string | undefined): Promise<number> {
  return withTill(ctx, async (till) => {
    const { store, checkout } = till.devices.get();
    const targets = name === undefined ? store.list().filter((d) => d.enabled) : [store.require(name)];
    if (targets.length === 0) throw new TillError('NO_DEVICES', 'no device is enabled (till devices add NAME --role printer|display --path PORT)', { field: 'name' });
    const results = await Promise.all(targets.map((device) => checkout.test(device).done));
    const ok = results.every((r) => r.ok);
    ctx.out.result({ ok, results: results.map(jobJson) });
    for (const r of results) {
      ctx.out.say(r.ok ? `${r.device}: sent ${r.bytes} bytes in ${r.ms} ms (${r.state})` : `${r.device}: FAILED ${r.code}: ${r.message}`);
    }
    return ok ? EXIT.ok : EXIT.failed;
  });
}
