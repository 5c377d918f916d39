import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import * as net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AlipayClient } from '../../main/alipay/client';
import { apiByPath, type ApiName } from '../../main/alipay/functions';
import { signText } from '../../main/alipay/signature';
import { startSandbox, type FaultConfig, type SandboxHandle, type SandboxOptions } from '../../main/alipay/sandbox/server';
import { GatewayTransport, type TransportOptions } from '../../main/alipay/transport';
import { CheckoutEngine } from '../../main/checkout/engine';
import { DEFAULT_SETTINGS, type EngineSettings } from '../../main/checkout/engine-context';
import type { CartInput, ConnectivityStatus } from '../../main/checkout/engine-types';
import { openTillDatabase } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import type { AlarmRecord, OrderRecord, OrderState, RefundRecord } from '../../main/journal/types';
import type { SqliteDatabase } from '../../native/sqlite';
import { CLIENT_ID, MERCHANT_ID, SETUP, testKeyPair } from './sandbox-requests';

/**
 * The checkout engine with real parts: a SQLite file in a temporary directory, the real
 * client over loopback HTTP, the real sandbox gateway in this process. Only the clock and
 * the settings are made fast. Every request the till puts on the wire is recorded (by a
 * transport that records, then sends for real) so a test can prove what was sent, byte
 * for byte, and when.
 */

/** Fast steps; a window long enough that only tests about the window see it end (they set their own). */
export const FAST: EngineSettings = {
  ...DEFAULT_SETTINGS,
  paymentWindowMs: 15_000,
  pollIntervalMs: 100,
  backoff: { baseMs: 20, maxMs: 200 },
  stalledBackoff: { baseMs: 100, maxMs: 1_000 },
  confirmNotFoundMs: 200,
  trafficBackoff: { baseMs: 100, maxMs: 2_000 },
};

/** One request as it left the till. */
export interface SentRequest {
  api: ApiName;
  reqMsgId: string;
  /** The business body's text exactly as it sat inside the signed envelope. */
  bodyText: string;
  /** merchantTransId (preCreate, payQuery, payCancel) or merchantRefundId (refund). */
  key: string;
  at: number;
  /** Which till (engine) sent it. */
  till: number;
}

/** Cuts the body out of `{"request":{"head":{…},"body":<body>},"signature":"…"}` without re-serializing. */
export function bodyOfEnvelope(envelope: string): string {
  const start = envelope.indexOf(',"body":');
  const end = envelope.lastIndexOf('},"signature":"');
  assert.ok(start > 0 && end > start, 'the envelope has the expected shape');
  return envelope.slice(start + ',"body":'.length, end);
}

/**
 * Changes the body of a signed answer and signs it again with the gateway's own key: a
 * gateway that lies (answers for another amount), which only the till's echo checks catch.
 */
export type AnswerRewrite = (api: ApiName, body: Record<string, unknown>) => Record<string, unknown> | undefined;

class RecordingTransport extends GatewayTransport {
  constructor(
    options: TransportOptions,
    private readonly record: (path: string, envelope: string) => void,
    private readonly rewrite: () => AnswerRewrite | undefined,
  ) {
    super(options);
  }

  override async post(path: string, body: string) {
    this.record(path, body);
    const answer = await super.post(path, body);
    const rewrite = this.rewrite();
    const api = apiByPath(path);
    if (!rewrite || !api || answer.status !== 200) return answer;
    const parsed = JSON.parse(answer.bytes.toString('utf8')) as { response: { head: unknown; body: Record<string, unknown> } };
    const changed = rewrite(api, parsed.response.body);
    if (!changed) return answer;
    const text = `{"head":${JSON.stringify(parsed.response.head)},"body":${JSON.stringify(changed)}}`;
    const envelope = `{"response":${text},"signature":"${signText(text, testKeyPair('gateway').privateKey)}"}`;
    return { ...answer, bytes: Buffer.from(envelope, 'utf8') };
  }
}

/**
 * "The network" between the till and the gateway: a TCP forwarder on a fixed loopback port.
 * down() cuts it (every open connection reset, new ones refused); up() brings it back on
 * the same port. The gateway behind it keeps its memory, as the real one would.
 */
export class GatewayLink {
  port = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly target: () => number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((inbound) => {
      const outbound = net.connect(this.target(), '127.0.0.1');
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound);
      outbound.pipe(inbound);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface TillOptions {
  settings?: Partial<EngineSettings>;
  /** Wall clock of the engine and of its journal. */
  now?: () => number;
  monotonic?: () => number;
  /** Calls engine.start() (default true). */
  start?: boolean;
  /** The client's total timeout per request (default 2000 ms). */
  timeoutMs?: number;
  /** Default: the link when there is one, else the sandbox. */
  baseUrl?: string;
  /** Runs synchronously as a request is handed to the transport, before its first byte leaves. */
  beforeSend?: (request: SentRequest) => void;
  /** The key this till checks answers with (default: the sandbox gateway's own). */
  alipayPublicKey?: KeyObject;
}

/** One running till: its own connection to the shared file, its own client and engine. */
export interface Till {
  index: number;
  db: SqliteDatabase;
  journal: Journal;
  client: AlipayClient;
  engine: CheckoutEngine;
  /** Every 'order' event, in emission order. */
  orderEvents: OrderRecord[];
  connectivity: ConnectivityStatus[];
  alarms: AlarmRecord[];
  refundEvents: RefundRecord[];
  create(cart?: Partial<CartInput>): Promise<OrderRecord>;
  waitState(orderId: number, state: OrderState | readonly OrderState[], timeoutMs?: number): Promise<OrderRecord>;
  /** engine.stop(), then the client and the database are closed. */
  stop(): Promise<void>;
  /**
   * Power lost now: the database connection goes first, so nothing more is written, not
   * even what an answer already on its way would have recorded; then the timers go.
   */
  crash(): Promise<void>;
}

export interface HarnessOptions {
  sandbox?: Partial<Omit<SandboxOptions, 'gatewayPrivateKey'>>;
  /** Put a GatewayLink between the tills and the sandbox. */
  link?: boolean;
}

const roots: string[] = [];
process.on('exit', () => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

const keys = {
  merchantPrivateKey: async () => testKeyPair('client').privateKey,
  alipayPublicKey: async () => testKeyPair('gateway').publicKey,
};

export function sandboxClient() {
  return { clientId: CLIENT_ID, merchantId: MERCHANT_ID, publicKey: testKeyPair('client').publicKey };
}

export class EngineHarness {
  readonly sent: SentRequest[] = [];
  /** When set, every answer the tills receive passes through it (see AnswerRewrite). */
  rewrite: AnswerRewrite | undefined;
  sandbox!: SandboxHandle;
  link: GatewayLink | undefined;
  private readonly tills: Till[] = [];
  private observerJournal: Journal | undefined;
  private observerDb: SqliteDatabase | undefined;

  private constructor(
    readonly dir: string,
    private readonly sandboxOptions: HarnessOptions['sandbox'],
  ) {}

  static async start(options: HarnessOptions = {}): Promise<EngineHarness> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-engine-'));
    roots.push(dir);
    const h = new EngineHarness(dir, options.sandbox);
    h.sandbox = await h.launchSandbox(0);
    if (options.link) {
      h.link = new GatewayLink(() => h.sandbox.port);
      await h.link.up();
    }
    return h;
  }

  private launchSandbox(port: number): Promise<SandboxHandle> {
    return startSandbox({ clients: [sandboxClient()], seed: 7, ...this.sandboxOptions, port, gatewayPrivateKey: testKeyPair('gateway').privateKey });
  }

  get gatewayUrl(): string {
    return this.link?.url ?? this.sandbox.url;
  }

  setFaults(faults: FaultConfig): void {
    this.sandbox.setFaults(faults);
  }

  /** The gateway process goes away (its memory with it); restartSandbox() brings one back on the same port. */
  async closeSandbox(): Promise<void> {
    await this.sandbox.close();
  }

  async restartSandbox(): Promise<void> {
    this.sandbox = await this.launchSandbox(this.sandbox.port);
  }

  /** A second, read-only connection to the file: what it sees is committed to disk. */
  observer(): Journal {
    if (!this.observerJournal) {
      this.observerDb = openTillDatabase(this.dir, { readonly: true });
      this.observerJournal = new Journal(this.observerDb);
    }
    return this.observerJournal;
  }

  openTill(options: TillOptions = {}): Till {
    const index = this.tills.length;
    const db = openTillDatabase(this.dir);
    const journal = new Journal(db, options.now ? { now: options.now } : {});
    const transport = new RecordingTransport(
      { baseUrl: options.baseUrl ?? this.gatewayUrl, proxyEnv: {}, connectTimeoutMs: 1_000, timeoutMs: options.timeoutMs ?? 2_000 },
      (apiPath, envelope) => {
        const api = apiByPath(apiPath);
        assert.ok(api, `the till posted to an unknown path ${apiPath}`);
        const bodyText = bodyOfEnvelope(envelope);
        const body = JSON.parse(bodyText) as Record<string, unknown>;
        const head = (JSON.parse(envelope) as { request: { head: { reqMsgId: string } } }).request.head;
        const key = String(api === 'refund' ? body.merchantRefundId : (body.merchantTransId ?? body.acquirementId));
        const request: SentRequest = { api, reqMsgId: head.reqMsgId, bodyText, key, at: performance.now(), till: index };
        this.sent.push(request);
        options.beforeSend?.(request);
      },
      () => this.rewrite,
    );
    const alipayPublicKey = options.alipayPublicKey;
    const tillKeys = alipayPublicKey ? { ...keys, alipayPublicKey: async () => alipayPublicKey } : keys;
    const client = new AlipayClient({ transport, clientId: CLIENT_ID, merchantId: MERCHANT_ID, keys: tillKeys });
    const engine = new CheckoutEngine({
      journal,
      client: () => client,
      setup: () => SETUP,
      settings: { ...FAST, ...options.settings },
      ...(options.now ? { now: options.now } : {}),
      ...(options.monotonic ? { monotonic: options.monotonic } : {}),
    });
    let closed = false;
    const till: Till = {
      index,
      db,
      journal,
      client,
      engine,
      orderEvents: [],
      connectivity: [],
      alarms: [],
      refundEvents: [],
      create: (cart = {}) => engine.create({ amountMinor: 239, currency: 'USD', title: 'Coffee & cake', ...cart }),
      waitState: (orderId, state, timeoutMs = 10_000) => {
        const states: readonly OrderState[] = typeof state === 'string' ? [state] : state;
        return engine.waitFor(orderId, (o) => states.includes(o.state), timeoutMs);
      },
      stop: async () => {
        if (closed) return;
        closed = true;
        await engine.stop();
        await client.close();
        db.close();
      },
      crash: async () => {
        if (closed) return;
        closed = true;
        db.close();
        await engine.stop();
        await client.close();
      },
    };
    engine.on('order', (o) => till.orderEvents.push(o));
    engine.on('connectivity', (c) => till.connectivity.push(c));
    engine.on('alarm', (a) => till.alarms.push(a));
    engine.on('refund', (r) => till.refundEvents.push(r));
    this.tills.push(till);
    if (options.start !== false) engine.start();
    return till;
  }

  /** Requests of one API (all when absent) for one merchantTransId / merchantRefundId. */
  sentFor(key: string, api?: ApiName): SentRequest[] {
    return this.sent.filter((r) => r.key === key && (api === undefined || r.api === api));
  }

  sandboxOrder(merchantTransId: string) {
    return this.sandbox.orders().find((o) => o.merchantTransId === merchantTransId);
  }

  /**
   * What must hold after any run: every preCreate and refund the till sent carried the
   * journaled body byte for byte, the gateway never saw a repeat with another body, and
   * it holds at most one order per merchantTransId, with the journal's amount.
   */
  assertConsistent(journal: Journal): void {
    for (const r of this.sent) {
      if (r.api === 'preCreate') {
        const order = journal.getByTransId(r.key);
        assert.ok(order, `preCreate for ${r.key} was sent but the order is not journaled`);
        assert.equal(r.bodyText, order.bodyText, `preCreate body of ${r.key} differs from the journaled one`);
      } else if (r.api === 'refund') {
        const refund = journal.db
          .prepare<[string], { id: number }>('SELECT id FROM refunds WHERE merchant_refund_id = ?')
          .get(r.key);
        assert.ok(refund, `refund ${r.key} was sent but is not journaled`);
        assert.equal(r.bodyText, journal.getRefund(refund.id)!.bodyText, `refund body of ${r.key} differs from the journaled one`);
      }
    }
    assert.equal(this.sandbox.stats().repeatInconsistent, 0, 'the gateway saw a repeat with a different body');
    const seen = new Set<string>();
    for (const o of this.sandbox.orders()) {
      assert.ok(!seen.has(o.merchantTransId), `two gateway orders for ${o.merchantTransId}`);
      seen.add(o.merchantTransId);
      const mine = journal.getByTransId(o.merchantTransId);
      assert.ok(mine, `the gateway holds ${o.merchantTransId}, which the journal does not`);
      assert.equal(o.amount, String(mine.amountMinor));
    }
  }

  async close(): Promise<void> {
    for (const till of this.tills) await till.stop();
    this.observerDb?.close();
    await this.link?.down();
    await this.sandbox.close();
  }
}

/** States an order went through, from its journaled event log. */
export function statePath(journal: Journal, orderId: number): Array<OrderState | null> {
  return journal
    .events(orderId)
    .filter((e) => e.kind === 'created' || (e.toState !== null && e.toState !== e.fromState))
    .map((e) => e.toState);
}

/** Polls a condition that no event announces (the gateway's side); fails after timeoutMs. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The gateway's creation order of its orders: acquirementIds carry a per-sandbox sequence. */
export function gatewaySequence(acquirementId: string): number {
  const m = /^\d{8}11(\d{8})\d{8}$/.exec(acquirementId);
  assert.ok(m, `acquirementId ${acquirementId} has the sandbox's shape`);
  return Number(m[1]);
}
