import type { SerialConnection } from '../../native/serial';
import { failure, JobFailure, portSettings, serialOptions, type DeviceContext, type DeviceState, type Slot } from './device-types';
import { isStatusByte } from './printer-status';
import { rest, setStatus } from './device-status';

/**
 * A device's port: opened on demand (and again when `till devices set` changed its
 * settings), greeted (a display's reset), watched for replies and for vanishing, and
 * reopened with backoff when it went away.
 */

export async function ensureOpen(ctx: DeviceContext, slot: Slot): Promise<SerialConnection> {
  if (ctx.retired(slot)) throw new JobFailure('DEVICES_CLOSED', `device ${slot.name} was shut down`);
  const config = ctx.devices().find((d) => d.name === slot.name);
  if (!config || !config.enabled) {
    void ctx.retire(slot.name);
    throw new JobFailure(config ? 'DEVICE_DISABLED' : 'DEVICE_NOT_FOUND', `device ${slot.name} is ${config ? 'disabled' : 'no longer configured'}`);
  }
  const previous = slot.config;
  slot.config = config;
  if (slot.conn?.isOpen && portSettings(previous) === portSettings(config)) return slot.conn;
  if (slot.conn) {
    // The port's settings changed (another process ran `till devices set`): reopen.
    const old = slot.conn;
    slot.conn = undefined;
    await old.close();
  }
  setStatus(ctx, slot, { path: config.path, role: config.role });
  let conn: SerialConnection;
  try {
    conn = await ctx.open(serialOptions(config));
  } catch (error) {
    const f = failure(error);
    const state: DeviceState = f.code === 'PORT_NOT_FOUND' ? 'disconnected' : 'error';
    rest(ctx, slot, state, f.code, f.message, null);
    scheduleReconnect(ctx, slot);
    throw f;
  }
  if (ctx.retired(slot)) {
    await conn.close();
    throw new JobFailure('DEVICES_CLOSED', `device ${slot.name} was shut down`);
  }
  adopt(ctx, slot, conn);
  const greeting = ctx.onOpen(config);
  if (greeting && greeting.length > 0) {
    try {
      await conn.write(greeting);
    } catch (error) {
      const f = failure(error);
      if (slot.conn === conn) slot.conn = undefined;
      await conn.close();
      const gone = f.code === 'PORT_DISCONNECTED';
      rest(ctx, slot, gone ? 'disconnected' : 'error', f.code, f.message, null);
      if (gone) scheduleReconnect(ctx, slot);
      throw f;
    }
  }
  return conn;
}

function adopt(ctx: DeviceContext, slot: Slot, conn: SerialConnection): void {
  slot.conn = conn;
  slot.reconnectAttempt = 0;
  clearTimeout(slot.reconnectTimer);
  slot.reconnectTimer = undefined;
  conn.on('data', (chunk) => {
    for (const byte of chunk) {
      // Anything but a status reply (noise, an echo) is not a status: skip it.
      if (slot.reply && isStatusByte(byte)) slot.reply(byte);
    }
  });
  conn.on('error', () => {
    // Errors that matter also fail the write that met them, or close the port.
  });
  conn.on('close', (info) => {
    if (slot.conn !== conn) return;
    slot.conn = undefined;
    clearInterval(slot.pollTimer);
    slot.pollTimer = undefined;
    if (info.disconnected && !ctx.retired(slot)) {
      rest(ctx, slot, 'disconnected', 'PORT_DISCONNECTED', info.error?.message ?? `serial port ${slot.config.path} went away`, null);
      scheduleReconnect(ctx, slot);
    }
  });
  if (slot.config.role === 'printer' && ctx.statusPollMs > 0) {
    clearInterval(slot.pollTimer);
    slot.pollTimer = setInterval(() => {
      if (!slot.running && slot.queue.length === 0 && slot.conn === conn) void ctx.check(slot.name);
    }, ctx.statusPollMs);
    slot.pollTimer.unref();
  }
}

export function scheduleReconnect(ctx: DeviceContext, slot: Slot): void {
  if (ctx.retired(slot) || slot.reconnectTimer) return;
  const delay = Math.min(ctx.reconnect.maxMs, ctx.reconnect.baseMs * 2 ** slot.reconnectAttempt);
  slot.reconnectAttempt = Math.min(slot.reconnectAttempt + 1, 30);
  slot.reconnectTimer = setTimeout(() => {
    slot.reconnectTimer = undefined;
    if (ctx.retired(slot) || slot.conn) return;
    // In the queue's turn, like a job; a failure schedules the next try.
    void ctx.check(slot.name);
  }, delay);
  slot.reconnectTimer.unref();
}
