import { isSerialError, type SerialConnection, type SerialOptions } from '../../native/serial';
import { isTillError } from '../errors';
import type { DeviceConfig, DeviceRole } from './device-config';
import type { PrinterCondition } from './printer-status';

/**
 * What the device manager and its parts share: the public shapes (a device's status, a
 * job, its result and ticket, the options), the defaults and wire arithmetic, one device's
 * slot (its port, queue and status), and the context the connection and status parts are
 * given by the manager (device-manager.ts).
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

export function defaultJobTimeout(bytes: number, device: DeviceConfig): number {
  return Math.ceil(wireMs(bytes, device) * 2) + 5_000;
}

export function serialOptions(device: DeviceConfig): SerialOptions {
  return { path: device.path, baudRate: device.baud, dataBits: device.dataBits, parity: device.parity, stopBits: device.stopBits, flowControl: device.flow };
}

export function portSettings(device: DeviceConfig): string {
  return JSON.stringify(serialOptions(device));
}

export type Task = { run: () => Promise<void>; job: boolean };

export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function failure(error: unknown): JobFailure {
  if (error instanceof JobFailure) return error;
  if (isSerialError(error) || isTillError(error)) return new JobFailure(error.code, error.message);
  return new JobFailure('DEVICE_FAILED', error instanceof Error ? error.message : String(error));
}

/** One device: its port, its queue and what the screens are told about it. */
export interface Slot {
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

/** What the connection and status parts ask of the manager that owns the slots. */
export interface DeviceContext {
  now(): number;
  /** The manager is closed, or this slot was replaced or removed. */
  retired(slot: Slot): boolean;
  retire(name: string): Promise<void>;
  /** Opens and asks for status in the queue's turn (a reconnect, a poll). */
  check(name: string): Promise<DeviceStatus>;
  emitState(status: DeviceStatus): void;
  devices(): readonly DeviceConfig[];
  open(options: SerialOptions): Promise<SerialConnection>;
  /** The options' onOpen, read and called as the options' own method when a port opens. */
  onOpen(device: DeviceConfig): Uint8Array | undefined;
  statusTimeoutMs: number;
  statusPollMs: number;
  reconnect: { baseMs: number; maxMs: number };
}
