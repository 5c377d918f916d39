import { EventEmitter } from 'node:events';
import { openSerial, type SerialConnection, type SerialOptions } from '../../native/serial';
import { isTillError } from '../errors';
import type { DeviceConfig, DeviceRole } from './device-config';
import { ensureOpen } from './device-connection';
import { idleStatus, refreshStatus, rest, setStatus, touch } from './device-status';
import {
  defaultJobTimeout,
  failure,
  JobFailure,
  MANAGER_DEFAULTS,
  type DeviceContext,
  type DeviceJob,
  type DeviceManagerEvents,
  type DeviceManagerOptions,
  type DeviceStatus,
  type JobResult,
  type JobTicket,
  type Slot,
  type DeviceState,
} from './device-types';
import { canPrint, conditionCode, conditionMessage, conditionState } from './printer-status';

export {
  MANAGER_DEFAULTS,
  serialOptions,
  wireMs,
  type DeviceJob,
  type DeviceManagerEvents,
  type DeviceManagerOptions,
  type DeviceState,
  type DeviceStatus,
  type JobResult,
  type JobTicket,
} from './device-types';

/**
 * Drives the configured serial devices. Each device has its own FIFO queue, so a slow
 * raster slip never holds up the display (or the engine: submit() returns at once and the
 * caller never awaits paper). A port opens on demand, each job ends with drain(), a port
 * that vanishes is reopened with backoff, and the printer's real-time status (DLE EOT) is
 * read before and after each job. A job that fails is reported — an event and its ticket's
 * result — and never sent again by itself: only an explicit reprint prints twice.
 *
 * This file is the coordinator: the queues and the jobs. A device's port (open, reopen)
 * is device-connection.ts, its status and the printer's answers device-status.ts, the
 * shared shapes device-types.ts.
 */

export class DeviceManager extends EventEmitter<DeviceManagerEvents> {
  private readonly slots = new Map<string, Slot>();
  private readonly open: (options: SerialOptions) => Promise<SerialConnection>;
  private readonly statusTimeoutMs: number;
  private readonly statusPollMs: number;
  private readonly reconnect: { baseMs: number; maxMs: number };
  private readonly maxQueued: number;
  private readonly jobTimeoutMs: (bytes: number, device: DeviceConfig) => number;
  private readonly now: () => number;
  private readonly ctx: DeviceContext;
  private nextJobId = 1;
  private closed = false;

  constructor(private readonly options: DeviceManagerOptions) {
    super();
    this.open = options.open ?? openSerial;
    this.statusTimeoutMs = options.statusTimeoutMs ?? MANAGER_DEFAULTS.statusTimeoutMs;
    this.statusPollMs = options.statusPollMs ?? MANAGER_DEFAULTS.statusPollMs;
    this.reconnect = options.reconnect ?? MANAGER_DEFAULTS.reconnect;
    this.maxQueued = options.maxQueued ?? MANAGER_DEFAULTS.maxQueued;
    this.jobTimeoutMs = options.jobTimeoutMs ?? defaultJobTimeout;
    this.now = options.now ?? Date.now;
    this.ctx = {
      now: () => this.now(),
      retired: (slot) => this.retired(slot),
      retire: (name) => this.retire(name),
      check: (name) => this.check(name),
      emitState: (status) => this.emitSafely('state', status),
      devices: () => this.options.devices(),
      open: (openOptions) => this.open(openOptions),
      onOpen: (device) => this.options.onOpen?.(device),
      statusTimeoutMs: this.statusTimeoutMs,
      statusPollMs: this.statusPollMs,
      reconnect: this.reconnect,
    };
  }

  /** The enabled device of a role, as configured now. */
  deviceFor(role: DeviceRole): DeviceConfig | undefined {
    return this.options.devices().find((d) => d.role === role && d.enabled);
  }

  /** Queues a job on a named device; returns at once. The ticket's result never rejects. */
  submit(name: string, job: DeviceJob): JobTicket {
    const id = this.nextJobId++;
    const config = this.options.devices().find((d) => d.name === name);
    const refuse = (code: string, message: string): JobTicket => {
      const result = this.result(id, name, job, { ok: false, code, message, bytes: 0, ms: 0 }, this.slots.get(name)?.status.state ?? 'disconnected');
      this.emitSafely('job', result);
      return { id, device: name, done: Promise.resolve(result) };
    };
    if (this.closed) return refuse('DEVICES_CLOSED', 'the device manager is shut down');
    if (!config) {
      void this.retire(name);
      return refuse('DEVICE_NOT_FOUND', `no device named ${name} is configured`);
    }
    if (!config.enabled) {
      void this.retire(name);
      return refuse('DEVICE_DISABLED', `device ${name} is disabled`);
    }
    const slot = this.slot(config);
    if (slot.queue.filter((t) => t.job).length >= this.maxQueued) {
      return refuse('QUEUE_FULL', `device ${name} already has ${this.maxQueued} jobs waiting; it is not taking bytes (state ${slot.status.state})`);
    }
    const done = new Promise<JobResult>((resolve) => {
      slot.queue.push({
        job: true,
        run: async () => {
          const result = await this.runJob(slot, id, job);
          this.emitSafely('job', result);
          resolve(result);
        },
      });
    });
    touch(this.ctx, slot);
    this.pump(slot);
    return { id, device: name, done };
  }

  /** Queues a job on the enabled device of a role; undefined when there is none. */
  submitTo(role: DeviceRole, job: DeviceJob): JobTicket | undefined {
    const device = this.deviceFor(role);
    return device ? this.submit(device.name, job) : undefined;
  }

  /**
   * Opens the device if needed and (a printer) asks for its status, in its queue's turn.
   * Resolves with the state the screens are shown; never rejects.
   */
  check(name: string): Promise<DeviceStatus> {
    const config = this.options.devices().find((d) => d.name === name);
    if (!config || this.closed) {
      return Promise.resolve(idleStatus(this.ctx, config ?? null, name, config ? 'DEVICES_CLOSED' : 'DEVICE_NOT_FOUND'));
    }
    const slot = this.slot(config);
    return new Promise((resolve) => {
      slot.queue.push({
        job: false,
        run: async () => {
          try {
            const conn = await ensureOpen(this.ctx, slot);
            if (slot.config.role === 'printer') await refreshStatus(this.ctx, slot, conn);
            else rest(this.ctx, slot, 'ready', null, null);
          } catch {
            // ensureOpen already put the reason into the status.
          }
          resolve({ ...slot.status });
        },
      });
      this.pump(slot);
    });
  }

  /** Checks every enabled device in the background (a host calls this at start-up). */
  start(): void {
    for (const device of this.options.devices()) if (device.enabled) void this.check(device.name);
  }

  status(name: string): DeviceStatus | undefined {
    const slot = this.slots.get(name);
    if (slot) return { ...slot.status };
    const config = this.options.devices().find((d) => d.name === name);
    return config ? idleStatus(this.ctx, config, name, 'NOT_OPENED') : undefined;
  }

  /** Every enabled device's status, in configuration order. */
  statuses(): DeviceStatus[] {
    return this.options
      .devices()
      .filter((d) => d.enabled)
      .map((d) => this.status(d.name)!);
  }

  /** Resolves once every queue is empty. */
  async idle(): Promise<void> {
    while ([...this.slots.values()].some((s) => s.running || s.queue.length > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Lets queued jobs finish for up to drainMs, then fails what is left (DEVICES_CLOSED),
   * stops every timer and closes every port.
   */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    const drainMs = options.drainMs ?? 5_000;
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, drainMs).unref())]);
    this.closed = true;
    await Promise.all([...this.slots.keys()].map((name) => this.retire(name)));
  }

  private slot(config: DeviceConfig): Slot {
    let slot = this.slots.get(config.name);
    if (!slot) {
      const status = idleStatus(this.ctx, config, config.name, 'NOT_OPENED');
      slot = {
        name: config.name,
        config,
        conn: undefined,
        queue: [],
        running: false,
        current: undefined,
        status,
        resting: { state: status.state, code: status.code, message: status.message },
        reply: undefined,
        reconnectTimer: undefined,
        reconnectAttempt: 0,
        pollTimer: undefined,
      };
      this.slots.set(config.name, slot);
    }
    return slot;
  }

  /** A device removed or disabled: its queue fails, its port closes, its timers stop. */
  private async retire(name: string): Promise<void> {
    const slot = this.slots.get(name);
    if (!slot) return;
    this.slots.delete(name);
    clearTimeout(slot.reconnectTimer);
    clearInterval(slot.pollTimer);
    const conn = slot.conn;
    slot.conn = undefined;
    // Jobs still queued resolve with DEVICES_CLOSED via runJob's closed/retired check.
    const tasks = slot.queue.splice(0);
    for (const task of tasks) void task.run();
    await conn?.close();
  }

  private pump(slot: Slot): void {
    if (slot.running) return;
    slot.running = true;
    void (async () => {
      // Off the caller's stack (the engine's emit): opening a port loads serialport and
      // touches the file system, and the first encode loads the QR module.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        while (slot.queue.length > 0) {
          const task = slot.queue.shift()!;
          slot.current = task;
          touch(this.ctx, slot);
          await task.run();
          slot.current = undefined;
        }
      } finally {
        slot.running = false;
        slot.current = undefined;
        touch(this.ctx, slot);
      }
    })();
  }

  private retired(slot: Slot): boolean {
    return this.closed || this.slots.get(slot.name) !== slot;
  }

  private async runJob(slot: Slot, id: number, job: DeviceJob): Promise<JobResult> {
    const started = this.now();
    const finish = (outcome: { ok: boolean; code: string | null; message: string | null; bytes: number }): JobResult =>
      this.result(id, slot.name, job, { ...outcome, ms: this.now() - started }, slot.status.state);
    if (this.retired(slot)) return finish({ ok: false, code: 'DEVICES_CLOSED', message: `device ${slot.name} was shut down before the job ran`, bytes: 0 });
    try {
      const conn = await ensureOpen(this.ctx, slot);
      if (slot.config.role === 'printer') {
        const condition = await refreshStatus(this.ctx, slot, conn);
        if (!conn.isOpen) throw new JobFailure('PORT_DISCONNECTED', `serial port ${slot.config.path} went away`);
        // No answer: send anyway (a printer without DLE EOT support still prints); the state says "no-answer".
        if (condition && !canPrint(condition)) {
          const state = conditionState(condition);
          throw new JobFailure(conditionCode(state), `${conditionMessage(state)}: nothing was sent`);
        }
      }
      let bytes: Uint8Array;
      try {
        bytes = typeof job.bytes === 'function' ? job.bytes() : job.bytes;
      } catch (error) {
        throw new JobFailure(isTillError(error) ? error.code : 'ENCODE_FAILED', `the job could not be encoded: ${error instanceof Error ? error.message : String(error)}`);
      }
      await this.writeJob(slot, conn, bytes);
      if (slot.config.role === 'printer' && conn.isOpen) await refreshStatus(this.ctx, slot, conn);
      else if (conn.isOpen) rest(this.ctx, slot, 'ready', null, null);
      return finish({ ok: true, code: null, message: null, bytes: bytes.length });
    } catch (error) {
      const f = failure(error);
      return finish({ ok: false, code: f.code, message: f.message, bytes: 0 });
    }
  }

  private async writeJob(slot: Slot, conn: SerialConnection, bytes: Uint8Array): Promise<void> {
    setStatus(this.ctx, slot, { state: 'busy', code: null, message: null });
    const timeoutMs = this.jobTimeoutMs(bytes.length, slot.config);
    const write = conn.write(bytes);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([write.then(() => 'written' as const), timeout]);
      if (outcome === 'timeout') {
        write.catch(() => undefined);
        // The printer stopped taking bytes (flow control held, cable half out): drop what
        // the OS still holds so it cannot print later by surprise, and start afresh.
        await conn.discardOutput();
        slot.conn = undefined;
        await conn.close();
        const message = `device ${slot.name} took no more bytes for ${timeoutMs} ms; the job was dropped`;
        rest(this.ctx, slot, 'error', 'WRITE_TIMEOUT', message);
        throw new JobFailure('WRITE_TIMEOUT', message);
      }
    } catch (error) {
      if (slot.status.state === 'busy') {
        if (conn.isOpen) setStatus(this.ctx, slot, slot.resting);
        else rest(this.ctx, slot, 'disconnected', 'PORT_DISCONNECTED', `serial port ${slot.config.path} went away during a job`, null);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private result(
    id: number,
    device: string,
    job: DeviceJob,
    outcome: { ok: boolean; code: string | null; message: string | null; bytes: number; ms: number },
    state: DeviceState,
  ): JobResult {
    return { id, device, kind: job.kind, label: job.label ?? null, orderId: job.orderId ?? null, ...outcome, state };
  }

  /** A listener that throws must not break a queue (or reach the engine). */
  private emitSafely<K extends keyof DeviceManagerEvents>(event: K, ...args: DeviceManagerEvents[K]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...a: DeviceManagerEvents[K]) => void)(...args);
      } catch {
        // The screens' problem, not the printer's.
      }
    }
  }
}
