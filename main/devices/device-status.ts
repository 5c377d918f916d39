import type { SerialConnection } from '../../native/serial';
import type { DeviceConfig } from './device-config';
import type { DeviceContext, DeviceState, DeviceStatus, Slot } from './device-types';
import { conditionCode, conditionMessage, conditionState, printerCondition, STATUS_QUERIES, statusQuery, type PrinterCondition } from './printer-status';

/**
 * A device's status: what the screens are told (state, code, message, queue length, the
 * printer's last answer), the state it rests in when not busy, and asking a printer for
 * its real-time status (DLE EOT 1, 2, 4). Every change is announced once ('state').
 */

export function idleStatus(ctx: DeviceContext, config: DeviceConfig | null, name: string, code: string): DeviceStatus {
  const message = {
    NOT_OPENED: 'not opened yet (it opens with the first job)',
    DEVICE_NOT_FOUND: `no device named ${name} is configured`,
    DEVICES_CLOSED: 'the device manager is shut down',
  }[code] ?? code;
  return { name, role: config?.role ?? 'printer', path: config?.path ?? '', state: 'disconnected', code, message, since: ctx.now(), queued: 0, printer: null };
}

/** Asks DLE EOT 1, 2, 4; undefined when the printer does not answer. Sets the state. */
export async function refreshStatus(ctx: DeviceContext, slot: Slot, conn: SerialConnection): Promise<PrinterCondition | undefined> {
  const replies: Partial<Record<1 | 2 | 3 | 4, number>> = {};
  for (const n of STATUS_QUERIES) {
    const byte = await ask(ctx, slot, conn, statusQuery(n));
    if (byte === undefined) break;
    replies[n] = byte;
  }
  if (!conn.isOpen) return undefined;
  if (replies[1] === undefined) {
    rest(ctx, slot, 'no-answer', 'NO_ANSWER', `the printer on ${slot.config.path} does not answer status queries (off, wrong baud rate, or the cable has no receive line)`, null);
    return undefined;
  }
  const condition = printerCondition(replies);
  const state = conditionState(condition);
  rest(ctx, slot, state, state === 'ready' ? null : conditionCode(state), state === 'ready' ? null : conditionMessage(state), condition);
  return condition;
}

function ask(ctx: DeviceContext, slot: Slot, conn: SerialConnection, query: Uint8Array): Promise<number | undefined> {
  return new Promise((resolve) => {
    const done = (byte: number | undefined) => {
      clearTimeout(timer);
      if (slot.reply === onReply) slot.reply = undefined;
      resolve(byte);
    };
    const onReply = (byte: number) => done(byte);
    const timer = setTimeout(() => done(undefined), ctx.statusTimeoutMs);
    // Listen before writing: the answer can arrive before drain() returns.
    slot.reply = onReply;
    conn.write(query).catch(() => done(undefined));
  });
}

/** Sets the state a device returns to when it is not busy. */
export function rest(ctx: DeviceContext, slot: Slot, state: DeviceState, code: string | null, message: string | null, printer?: PrinterCondition | null): void {
  slot.resting = { state, code, message };
  setStatus(ctx, slot, { state, code, message, ...(printer === undefined ? {} : { printer }) });
}

export function touch(ctx: DeviceContext, slot: Slot): void {
  setStatus(ctx, slot, {});
}

export function setStatus(ctx: DeviceContext, slot: Slot, change: Partial<DeviceStatus>): void {
  const before = slot.status;
  const queued = slot.queue.filter((t) => t.job).length + (slot.current?.job ? 1 : 0);
  const next: DeviceStatus = { ...before, ...change, queued };
  if (next.state !== before.state) next.since = ctx.now();
  const changed =
    next.state !== before.state ||
    next.code !== before.code ||
    next.message !== before.message ||
    next.path !== before.path ||
    next.queued !== before.queued ||
    JSON.stringify(next.printer) !== JSON.stringify(before.printer);
  slot.status = next;
  if (changed && !ctx.retired(slot)) ctx.emitState({ ...next });
}
