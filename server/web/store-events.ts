import type { ServerResponse } from 'node:http';
import { textArray, type Queryable } from '../db/database';

/**
 * Live figures for the store screen (issue 14 §7), as server-sent events: a screen opens
 * `/api/stores/S/events` and hears `change` whenever something it shows may have moved, then
 * asks for the day again. Every instance behind a load balancer sees every terminal's sync
 * through the database, so the hub looks there: one query a second for all the stores that
 * have a screen open on this instance (none when nobody watches), plus an immediate look
 * when this instance took a batch. A comment line every 20 s keeps proxies from closing the
 * stream, and at each one the session is checked again: a stream ends with its session.
 */

export interface StoreEventsOptions {
  pollMs?: number;
  pingMs?: number;
  /** At most this many open streams on this instance; more are refused (503). */
  maxStreams?: number;
}

interface Watcher {
  store: string;
  response: ServerResponse;
  stillAllowed: () => Promise<boolean>;
}

/** A stream may close while a query is out: writing to it then is not an error, just nothing. */
function send(response: ServerResponse, text: string): void {
  if (!response.destroyed && !response.writableEnded) response.write(text);
}

export class StoreEvents {
  private readonly watchers = new Set<Watcher>();
  private readonly versions = new Map<string, string>();
  private pollTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | undefined;
  private readonly o: Required<StoreEventsOptions>;

  constructor(
    private readonly db: Queryable,
    options: StoreEventsOptions = {},
  ) {
    this.o = { pollMs: 1_000, pingMs: 20_000, maxStreams: 200, ...options };
  }

  get open(): number {
    return this.watchers.size;
  }

  get full(): boolean {
    return this.watchers.size >= this.o.maxStreams;
  }

  /**
   * Streams `change` events for `store` into the response until either side ends it. The
   * store's version is read before `hello` is sent, so every change after `hello` is told;
   * the screen reads the day again on `hello`, which covers anything before it.
   */
  async watch(store: string, response: ServerResponse, stillAllowed: () => Promise<boolean>): Promise<void> {
    const watcher: Watcher = { store, response, stillAllowed };
    this.watchers.add(watcher);
    response.on('close', () => this.drop(watcher));
    this.start();
    if (!this.versions.has(store)) {
      const [row] = await this.versionsOf([store]).catch(() => []);
      if (row && !this.versions.has(store)) this.versions.set(store, row.version);
    }
    // The browser reconnects by itself after this long if the stream drops.
    send(response, 'retry: 3000\n\n');
    send(response, `event: hello\ndata: ${JSON.stringify({ store })}\n\n`);
  }

  /** Something landed on this instance: look now rather than at the next tick. */
  poke(): void {
    if (this.watchers.size > 0) void this.look();
  }

  close(): void {
    for (const w of [...this.watchers]) w.response.end();
    this.watchers.clear();
    this.stop();
  }

  private drop(watcher: Watcher): void {
    this.watchers.delete(watcher);
    if (![...this.watchers].some((w) => w.store === watcher.store)) this.versions.delete(watcher.store);
    if (this.watchers.size === 0) this.stop();
  }

  private start(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => void this.look(), this.o.pollMs);
    this.pingTimer = setInterval(() => void this.ping(), this.o.pingMs);
    this.pollTimer.unref?.();
    this.pingTimer.unref?.();
  }

  private stop(): void {
    clearInterval(this.pollTimer);
    clearInterval(this.pingTimer);
    this.pollTimer = this.pingTimer = undefined;
  }

  /** One query for every watched store; a store seen for the first time here counts as changed. */
  private look(): Promise<void> {
    this.looking ??= (async () => {
      const stores = [...new Set([...this.watchers].map((w) => w.store))];
      if (stores.length === 0) return;
      for (const row of await this.versionsOf(stores)) {
        const before = this.versions.get(row.store_id);
        this.versions.set(row.store_id, row.version);
        if (before === row.version) continue;
        for (const w of this.watchers) if (w.store === row.store_id) send(w.response, `event: change\ndata: ${JSON.stringify({ store: row.store_id })}\n\n`);
      }
    })()
      .catch(() => undefined) // The database is away: the next tick tries again; screens keep what they show.
      .finally(() => (this.looking = undefined));
    return this.looking;
  }

  /** What a screen shows changes only when one of these does (a store without terminals has no row). */
  private versionsOf(stores: string[]): Promise<Array<{ store_id: string; version: string }>> {
    return this.db.query<{ store_id: string; version: string }>(
      "SELECT t.store_id, concat_ws(':', max(t.last_sync_at), max(t.last_seq), sum(t.backlog), count(t.revoked_at), count(*), " +
        '(SELECT count(*) FROM store_day_closes c WHERE c.store_id = t.store_id)) AS version FROM terminals t WHERE t.store_id = ANY($1::text[]) GROUP BY t.store_id',
      [textArray(stores)],
    );
  }

  private async ping(): Promise<void> {
    for (const w of [...this.watchers]) {
      if (await w.stillAllowed().catch(() => false)) send(w.response, ': still here\n\n');
      else {
        send(w.response, 'event: signed-out\ndata: {}\n\n');
        if (!w.response.destroyed) w.response.end();
        this.drop(w);
      }
    }
  }
}
