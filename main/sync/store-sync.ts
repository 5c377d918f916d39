import { appVersion } from '../config/app-version';
import { backoffDelay, type BackoffPolicy } from '../checkout/backoff';
import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import type { StoreClient } from './store-client';
import { StoreRefusal } from './store-client';
import type { StoreLink } from './store-link';
import { toWire } from './to-wire';

/**
 * Sends the journal's changes to the store server (docs/store-server.md), in order, in
 * batches, in the background: a sale never waits for it, an unreachable server only grows
 * the backlog. Each batch is acknowledged by the highest sequence the server holds, and
 * only then are those notes dropped; a batch re-sent after a lost answer changes nothing
 * at the server. Failures back off (1 s doubling to 5 min) and end in a STORE_SYNC alarm
 * a person can act on; nothing hammers the server.
 */

export interface StoreSyncOptions {
  journal: Journal;
  link(): StoreLink | null;
  /** A client for the linked server with this terminal's credential, or null when not joined. */
  client(): Promise<StoreClient | null>;
  batchSize?: number;
  /** How often an idle worker looks for changes made by another process (the CLI). */
  idleMs?: number;
  /** After a change in this process: how soon the worker sends (a sale's changes, and the next sale's, go together, off the cashier's moment). */
  nudgeMs?: number;
  backoff?: BackoffPolicy;
  /** With nothing to send, a heartbeat this often, so the store screen knows the till is alive (and its version). */
  heartbeatMs?: number;
  /** The version sent with every batch (the terminals screen shows it). */
  app?: string;
  /** Failing this long raises a STORE_SYNC alarm. */
  alarmAfterMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface SyncPass {
  sent: number;
  backlog: number;
  /** What went wrong, if the pass ended early. */
  error: string | null;
}

const DEFAULTS = { batchSize: 500, idleMs: 5_000, nudgeMs: 500, heartbeatMs: 5 * 60_000, backoff: { baseMs: 1_000, maxMs: 300_000 }, alarmAfterMs: 60 * 60_000 };

/** Refusals a retry cannot fix: a person must act (enrol again, look at the server). */
const NEEDS_A_PERSON = new Set(['TOKEN_INVALID', 'TOKEN_REVOKED', 'TOKEN_MISSING', 'TERMINAL_MISMATCH', 'SEQUENCE_GAP', 'BATCH_INVALID', 'BATCH_OUT_OF_ORDER']);

export class StoreSync {
  private readonly o: Required<Omit<StoreSyncOptions, 'journal' | 'link' | 'client' | 'log'>> & Pick<StoreSyncOptions, 'log'>;
  private timer: NodeJS.Timeout | undefined;
  private due = Infinity;
  private running = false;
  private passing: Promise<SyncPass> | undefined;
  private failures = 0;
  private failingSince: number | null = null;
  private lastContactAt = -Infinity;

  constructor(private readonly options: StoreSyncOptions) {
    this.o = { ...DEFAULTS, now: Date.now, app: appVersion(), ...stripUndefined(options) } as typeof this.o;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.passing?.catch(() => undefined);
  }

  /** Something was journaled: send it soon, unless the worker is backing off. */
  nudge(): void {
    if (this.running && this.failures === 0) this.schedule(this.o.nudgeMs);
  }

  /** Sends until nothing is left or something fails; one pass at a time. */
  syncNow(): Promise<SyncPass> {
    this.passing ??= this.pass().finally(() => (this.passing = undefined));
    return this.passing;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    const at = this.o.now() + delayMs;
    if (this.timer && at >= this.due) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.due = Infinity;
      void this.syncNow().then((pass) => {
        if (pass.error !== null) this.schedule(backoffDelay(this.failures, this.o.backoff));
        else this.schedule(this.o.idleMs);
      });
    }, delayMs);
    this.timer.unref?.();
  }

  private async pass(): Promise<SyncPass> {
    const journal = this.options.journal;
    let sent = 0;
    const link = this.options.link();
    if (!link) return { sent, backlog: 0, error: null };
    // Nothing to send: no connection is opened (the idle worker looks every few seconds),
    // except for a heartbeat now and then (and the first pass), so the store knows this
    // till is alive rather than gone quiet.
    const heartbeat = this.o.now() - this.lastContactAt >= this.o.heartbeatMs;
    if (journal.outbox.cursor().backlog === 0 && !heartbeat) {
      this.failures = 0;
      this.failingSince = null;
      return { sent, backlog: 0, error: null };
    }
    let client: StoreClient | null = null;
    try {
      client = await this.options.client();
      if (!client) return { sent, backlog: journal.outbox.cursor().backlog, error: 'this till has no store credential in its keychain; join again (till store join)' };
      for (let first = true; ; first = false) {
        const { changes, backlog } = journal.outbox.takeChanges(this.o.batchSize);
        if (changes.length === 0 && !(first && heartbeat)) break;
        const last = changes.at(-1)?.seq ?? 0;
        const reply = await client.sync({ terminal: link.terminal, changes: changes.map(toWire), backlog: backlog - changes.length, sentAt: this.o.now(), app: this.o.app });
        this.lastContactAt = this.o.now();
        if (!Number.isSafeInteger(reply.lastSeq) || reply.lastSeq < 0) throw new TillError('REPLY_INVALID', 'the store server answered without a valid lastSeq');
        // More than this batch is normal when another sender (`till store sync` beside the
        // app) got there first; more than this till ever made is not: its journal was
        // restored from an older copy, and new changes would be taken for old ones.
        const made = journal.outbox.highest();
        if (reply.lastSeq > made) {
          throw new TillError('SERVER_AHEAD', `the store server holds this terminal's changes up to ${reply.lastSeq}, but this till has made only ${made}; its journal may have been restored from a backup. Ask the store's administrator before selling on.`);
        }
        journal.outbox.acknowledge(reply.lastSeq, this.o.now());
        sent += changes.length;
        if (reply.lastSeq < last) throw new TillError('SYNC_SHORT', `the store server took changes up to ${reply.lastSeq} of ${last}`);
      }
      this.failures = 0;
      this.failingSince = null;
      return { sent, backlog: journal.outbox.cursor().backlog, error: null };
    } catch (error) {
      return { sent, backlog: safeBacklog(journal), error: this.failed(error) };
    } finally {
      await client?.close().catch(() => undefined);
    }
  }

  private failed(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof TillError ? error.code : 'INTERNAL';
    this.failures += 1;
    const now = this.o.now();
    this.failingSince ??= now;
    try {
      this.options.journal.outbox.noteSyncError(message);
      const person = (error instanceof StoreRefusal && NEEDS_A_PERSON.has(code)) || code === 'SERVER_AHEAD';
      if (person || now - this.failingSince >= this.o.alarmAfterMs) {
        const backlog = this.options.journal.outbox.cursor().backlog;
        this.options.journal.raiseAlarm({ kind: 'STORE_SYNC', code, message: `${backlog} change${backlog === 1 ? '' : 's'} not yet at the store server: ${message}` });
      }
    } catch {
      // The journal itself is failing; the engine reports that. Sync tries again later.
    }
    this.o.log?.(`store sync: ${message}`);
    return message;
  }
}

function safeBacklog(journal: Journal): number {
  try {
    return journal.outbox.cursor().backlog;
  } catch {
    return 0;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
