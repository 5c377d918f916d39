import { EventEmitter } from 'node:events';
import { isSerialError, openSerial, type SerialConnection, type SerialOptions } from '../../native/serial';
import { isTillError } from '../errors';
import type { DeviceConfig, DeviceRole } from './device-config';
import {
  canPrint,
  conditionCode,
  conditionMessage,
  conditionState,
  isStatusByte,
  printerCondition,
  STATUS_QUERIES,
  statusQuery,
  type PrinterCondition,
} from './printer-status';

/**
 * Drives the configured serial devices. Each device has its own FIFO queue, so a slow
 * raster slip never holds up the display (or the engine: submit() returns at once and the
 * caller never awaits paper). A port opens on demand, each job ends with drain(), a port
 * that vanishes is reopened with backoff, and the printer's real-time status (DLE EOT) is
 * read before and after each job. A job that fails is reported — an event and its ticket's
 * result — and never sent again by itself: only an explicit reprint prints twice.
 */

export type DeviceState = 'ready' | 'busy' | 'disconnected' | 'offline' | 'cover-open' | 'paper-end' | 'paper-near-end' | 'error' | 'no-answer';

export interface DeviceStatus {
  name: string;
  role: DeviceRole;
  path: string;
  state: DeviceState;
  /** Why, when not plainly ready: PORT_NOT_FOUND, PORT_BUSY, PRINTER_PAPER_END, NO_ANSWER, NOT_OPENED… */
  code: string | null;
  message: string | null;
  /** When this state began (ms since the epoch). */
  since: number;
  /** Jobs waiting or being written. */
  queued: number;
  /** The last status the printer answered (printers only). */
  printer: PrinterCondition | null;
}

export interface DeviceJob {
  /** What it is, for events and logs: 'scan-to-pay', 'receipt', 'display', 'test', … */
  kind: string;
  label?: string;
  orderId?: number | null;
  /** The bytes, or a function that encodes them when the job's turn comes (off the caller's stack). */
  bytes: Uint8Array | (() => Uint8Array);
}

export interface JobResult {
  id: number;
  device: string;
  kind: string;
  label: string | null;
  orderId: number | null;
  ok: boolean;
  code: string | null;
  message: string | null;
  /** Bytes put on the wire (0 when nothing was sent). */
  bytes: number;
  ms: number;
  /** The device's state once the job was over. */
  state: DeviceState;
}

export interface JobTicket {
  id: number;
  device: string;
  /** Always resolves, never rejects. */
  done: Promise<JobResult>;
}

export interface DeviceManagerEvents {
  state: [DeviceStatus];
  job: [JobResult];
}

export interface DeviceManagerOptions {
  /** The configured devices, read afresh on every job (another process may change them). */
  devices: () => readonly DeviceConfig[];
  open?: (options: SerialOptions) => Promise<SerialConnection>;
  /** How long to wait for one DLE EOT reply before the printer counts as not answering. */
  statusTimeoutMs?: number;
  /** Ask an open, idle printer for its status this often (0: only around jobs). */
  statusPollMs?: number;
  /** Reopen a vanished port after base·2ⁿ ms, at most max. */
  reconnect?: { baseMs: number; maxMs: number };
  /** Jobs a device may hold before new ones are refused (a printer that stopped taking bytes). */
  maxQueued?: number;
  /** Bytes sent each time the port opens, before any job (a display's reset and clear). */
  onOpen?: (device: DeviceConfig) => Uint8Array | undefined;
  /** The longest a job may take on the wire; default twice its time at the configured baud + 5 s. */
  jobTimeoutMs?: (bytes: number, device: DeviceConfig) => number;
  now?: () => number;
}

export const MANAGER_DEFAULTS = {
  statusTimeoutMs: 800,
  statusPollMs: 0,
  reconnect: { baseMs: 250, maxMs: 5_000 },
  maxQueued: 32,
} as const;

/** Time on the wire: start bit + data bits + parity + stop bits per byte. */
export function wireMs(bytes: number, device: Pick<DeviceConfig, 'baud' | 'dataBits' | 'parity' | 'stopBits'>): number {
  const bitsPerByte = 1 + device.dataBits + (device.parity === 'none' ? 0 : 1) + device.stopBits;
  return (bytes * bitsPerByte * 1000) / device.baud;
}

function defaultJobTimeout(bytes: number, device: DeviceConfig): number {
  return Math.ceil(wireMs(bytes, device) * 2) + 5_000;
}

export function serialOptions(device: DeviceConfig): SerialOptions {
  return { path: device.path, baudRate: device.baud, dataBits: device.dataBits, parity: device.parity, stopBits: device.stopBits, flowControl: device.flow };
}

function portSettings(device: DeviceConfig): string {
  return JSON.stringify(serialOptions(device));
}

type Task = { run: () => Promise<void>; job: boolean };

class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function failure(error: unknown): JobFailure {
  if (error instanceof JobFailure) return error;
  if (isSerialError(error) || isTillError(error)) return new JobFailure(error.code, error.message);
  return new JobFailure('DEVICE_FAILED', error instanceof Error ? error.message : String(error));
}

/** One device: its port, its queue and what the screens are told about it. */
interface Slot {
  name: string;
  config: DeviceConfig;
  conn: SerialConnection | undefined;
  queue: Task[];
  running: boolean;
  /** The task being run (a job or a status check). */
  current: Task | undefined;
  status: DeviceStatus;
  /** The condition-derived state to return to after 'busy'. */
  resting: { state: DeviceState; code: string | null; message: string | null };
  reply: ((byte: number) => void) | undefined;
  reconnectTimer: NodeJS.Timeout | undefined;
  reconnectAttempt: number;
  pollTimer: NodeJS.Timeout | undefined;
}

export class DeviceManager extends EventEmitter<DeviceManagerEvents> {
  private readonly slots = new Map<string, Slot>();
  private readonly open: (options: SerialOptions) => Promise<SerialConnection>;
  private readonly statusTimeoutMs: number;
  private readonly statusPollMs: number;
  private readonly reconnect: { baseMs: number; maxMs: number };
  private readonly maxQueued: number;
  private readonly jobTimeoutMs: (bytes: number, device: DeviceConfig) => number;
  private readonly now: () => number;
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
    this.touch(slot);
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
      return Promise.resolve(this.idleStatus(config ?? null, name, config ? 'DEVICES_CLOSED' : 'DEVICE_NOT_FOUND'));
    }
    const slot = this.slot(config);
    return new Promise((resolve) => {
      slot.queue.push({
        job: false,
        run: async () => {
          try {
            const conn = await this.ensureOpen(slot);
            if (slot.config.role === 'printer') await this.refreshStatus(slot, conn);
            else this.rest(slot, 'ready', null, null);
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
    return config ? this.idleStatus(config, name, 'NOT_OPENED') : undefined;
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
      const status = this.idleStatus(config, config.name, 'NOT_OPENED');
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

  private idleStatus(config: DeviceConfig | null, name: string, code: string): DeviceStatus {
    const message = {
      NOT_OPENED: 'not opened yet (it opens with the first job)',
      DEVICE_NOT_FOUND: `no device named ${name} is configured`,
      DEVICES_CLOSED: 'the device manager is shut down',
    }[code] ?? code;
    return { name, role: config?.role ?? 'printer', path: config?.path ?? '', state: 'disconnected', code, message, since: this.now(), queued: 0, printer: null };
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
          this.touch(slot);
          await task.run();
          slot.current = undefined;
        }
      } finally {
        slot.running = false;
        slot.current = undefined;
        this.touch(slot);
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
      const conn = await this.ensureOpen(slot);
      if (slot.config.role === 'printer') {
        const condition = await this.refreshStatus(slot, conn);
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
      if (slot.config.role === 'printer' && conn.isOpen) await this.refreshStatus(slot, conn);
      else if (conn.isOpen) this.rest(slot, 'ready', null, null);
      return finish({ ok: true, code: null, message: null, bytes: bytes.length });
    } catch (error) {
      const f = failure(error);
      return finish({ ok: false, code: f.code, message: f.message, bytes: 0 });
    }
  }

  private async writeJob(slot: Slot, conn: SerialConnection, bytes: Uint8Array): Promise<void> {
    this.setStatus(slot, { state: 'busy', code: null, message: null });
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
        this.rest(slot, 'error', 'WRITE_TIMEOUT', message);
        throw new JobFailure('WRITE_TIMEOUT', message);
      }
    } catch (error) {
      if (slot.status.state === 'busy') {
        if (conn.isOpen) this.setStatus(slot, slot.resting);
        else this.rest(slot, 'disconnected', 'PORT_DISCONNECTED', `serial port ${slot.config.path} went away during a job`, null);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async ensureOpen(slot: Slot): Promise<SerialConnection> {
    if (this.retired(slot)) throw new JobFailure('DEVICES_CLOSED', `device ${slot.name} was shut down`);
    const config = this.options.devices().find((d) => d.name === slot.name);
    if (!config || !config.enabled) {
      void this.retire(slot.name);
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
    this.setStatus(slot, { path: config.path, role: config.role });
    let conn: SerialConnection;
    try {
      conn = await this.open(serialOptions(config));
    } catch (error) {
      const f = failure(error);
      const state: DeviceState = f.code === 'PORT_NOT_FOUND' ? 'disconnected' : 'error';
      this.rest(slot, state, f.code, f.message, null);
      this.scheduleReconnect(slot);
      throw f;
    }
    if (this.retired(slot)) {
      await conn.close();
      throw new JobFailure('DEVICES_CLOSED', `device ${slot.name} was shut down`);
    }
    this.adopt(slot, conn);
    const greeting = this.options.onOpen?.(config);
    if (greeting && greeting.length > 0) {
      try {
        await conn.write(greeting);
      } catch (error) {
        const f = failure(error);
        if (slot.conn === conn) slot.conn = undefined;
        await conn.close();
        const gone = f.code === 'PORT_DISCONNECTED';
        this.rest(slot, gone ? 'disconnected' : 'error', f.code, f.message, null);
        if (gone) this.scheduleReconnect(slot);
        throw f;
      }
    }
    return conn;
  }

  private adopt(slot: Slot, conn: SerialConnection): void {
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
      if (info.disconnected && !this.retired(slot)) {
        this.rest(slot, 'disconnected', 'PORT_DISCONNECTED', info.error?.message ?? `serial port ${slot.config.path} went away`, null);
        this.scheduleReconnect(slot);
      }
    });
    if (slot.config.role === 'printer' && this.statusPollMs > 0) {
      clearInterval(slot.pollTimer);
      slot.pollTimer = setInterval(() => {
        if (!slot.running && slot.queue.length === 0 && slot.conn === conn) void this.check(slot.name);
      }, this.statusPollMs);
      slot.pollTimer.unref();
    }
  }

  private scheduleReconnect(slot: Slot): void {
    if (this.retired(slot) || slot.reconnectTimer) return;
    const delay = Math.min(this.reconnect.maxMs, this.reconnect.baseMs * 2 ** slot.reconnectAttempt);
    slot.reconnectAttempt = Math.min(slot.reconnectAttempt + 1, 30);
    slot.reconnectTimer = setTimeout(() => {
      slot.reconnectTimer = undefined;
      if (this.retired(slot) || slot.conn) return;
      // In the queue's turn, like a job; a failure schedules the next try.
      void this.check(slot.name);
    }, delay);
    slot.reconnectTimer.unref();
  }

  /** Asks DLE EOT 1, 2, 4; undefined when the printer does not answer. Sets the state. */
  private async refreshStatus(slot: Slot, conn: SerialConnection): Promise<PrinterCondition | undefined> {
    const replies: Partial<Record<1 | 2 | 3 | 4, number>> = {};
    for (const n of STATUS_QUERIES) {
      const byte = await this.ask(slot, conn, statusQuery(n));
      if (byte === undefined) break;
      replies[n] = byte;
    }
    if (!conn.isOpen) return undefined;
    if (replies[1] === undefined) {
      this.rest(slot, 'no-answer', 'NO_ANSWER', `the printer on ${slot.config.path} does not answer status queries (off, wrong baud rate, or the cable has no receive line)`, null);
      return undefined;
    }
    const condition = printerCondition(replies);
    const state = conditionState(condition);
    this.rest(slot, state, state === 'ready' ? null : conditionCode(state), state === 'ready' ? null : conditionMessage(state), condition);
    return condition;
  }

  private ask(slot: Slot, conn: SerialConnection, query: Uint8Array): Promise<number | undefined> {
    return new Promise((resolve) => {
      const done = (byte: number | undefined) => {
        clearTimeout(timer);
        if (slot.reply === onReply) slot.reply = undefined;
        resolve(byte);
      };
      const onReply = (byte: number) => done(byte);
      const timer = setTimeout(() => done(undefined), this.statusTimeoutMs);
      // Listen before writing: the answer can arrive before drain() returns.
      slot.reply = onReply;
      conn.write(query).catch(() => done(undefined));
    });
  }

  /** Sets the state a device returns to when it is not busy. */
  private rest(slot: Slot, state: DeviceState, code: string | null, message: string | null, printer?: PrinterCondition | null): void {
    slot.resting = { state, code, message };
    this.setStatus(slot, { state, code, message, ...(printer === undefined ? {} : { printer }) });
  }

  private touch(slot: Slot): void {
    this.setStatus(slot, {});
  }

  private setStatus(slot: Slot, change: Partial<DeviceStatus>): void {
    const before = slot.status;
    const queued = slot.queue.filter((t) => t.job).length + (slot.current?.job ? 1 : 0);
    const next: DeviceStatus = { ...before, ...change, queued };
    if (next.state !== before.state) next.since = this.now();
    const changed =
      next.state !== before.state ||
      next.code !== before.code ||
      next.message !== before.message ||
      next.path !== before.path ||
      next.queued !== before.queued ||
      JSON.stringify(next.printer) !== JSON.stringify(before.printer);
    slot.status = next;
    if (changed && !this.retired(slot)) this.emitSafely('state', { ...next });
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
