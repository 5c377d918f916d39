import fs from 'node:fs';
import { seededRandom } from '../../main/alipay/sandbox/prng';
import { buildPreCreateBody, type MerchantSetup, type OrderItem } from '../../main/alipay/precreate-body';
import { localDay, nextDay } from '../../main/journal/business-day';
import { migrations } from '../../main/journal/migrations';
import { extraOf } from '../../main/journal/storage/order-body';
import { packAnswer } from '../../main/journal/storage/packed-text';
import { reconcileDay } from '../../main/journal/reconcile';
import { ReferenceBodies } from '../../main/journal/storage/reference-bodies';
import { formatMerchantTransId } from '../../main/journal/trans-id';
import { toZReport } from '../../main/journal/z-report';
import { openDatabase, type SqliteStatement } from '../../native/sqlite';

/**
 * A journal as a till would have written it over `days` business days: the same rows the
 * Journal and the engine write per order (order row with its frozen ~1 KB body; events
 * created → sending → qr_ready → paid or cancelling → cancelled; attempts with signed
 * answers as the gateway sends them, each echoing its attempt's request id, identical
 * polls folded; bodies and answers packed as Journal packs them), a few refunds, ~0.3% of
 * orders still unresolved in the last week, every older day closed with its Z report.
 *
 * It writes with plain SQL in one transaction (journal_mode OFF while filling) rather than
 * through Journal, which would take a durable commit per call: the layout is what
 * journal.ts writes, the speed is not. Deterministic for a given seed. For the bench only.
 */

export interface MillionOrderOptions {
  orders?: number;
  days?: number;
  /** The last business day (default: today). */
  lastDay?: string;
  seed?: number;
  terminalId?: string;
  /** Keep a file this function built earlier with the same options instead of building it again. */
  reuse?: boolean;
}

export interface MillionOrderJournal {
  file: string;
  orders: number;
  days: number;
  firstDay: string;
  lastDay: string;
  unresolved: number;
  refunds: number;
  /** Days left open (the last week, where the unresolved orders are). */
  openDays: string[];
  fileBytes: number;
  seconds: number;
}

const SETUP: MerchantSetup = {
  merchantId: '2188120000123456',
  seller: {
    sellerId: '2188120000123456',
    sellerMCC: '5812',
    sellerName: 'Harbour Noodle Bar',
    storeId: 'HNB-0007',
    storeMCC: '5812',
    storeName: 'Harbour Noodle Bar, Kowloon Bay',
    terminalId: 'HNB7-T1',
  },
  site: 'ALIPAY_HK',
  notifyUrl: 'https://pay.harbournoodle.example/alipay/notify',
  device: {
    serialNo: 'HNB7-T1',
    deviceName: 'Front counter till',
    osName: 'Linux',
    osVersion: '6.1.0-18-amd64',
    systemLanguage: 'zh-HK',
    timeZone: 'Asia/Hong_Kong',
    screenResolution: '1920x1080',
  },
};

const PRODUCTS: ReadonlyArray<readonly [string, number]> = [
  ['Beef brisket noodles', 6800],
  ['Wonton noodle soup', 5200],
  ['Milk tea', 2200],
  ['Lemon tea (iced)', 2400],
  ['Pineapple bun', 1500],
  ['Char siu rice', 7200],
  ['Fish ball skewer', 1800],
  ['Egg tart', 1200],
  ['Congee with century egg', 4800],
  ['Steamed dumplings (4)', 3800],
  ['魚蛋粉', 4200],
  ['凍檸茶', 2400],
];

const CURRENCIES: ReadonlyArray<readonly [string, number]> = [
  ['HKD', 0.95],
  ['USD', 0.04],
  ['JPY', 0.01],
];

const prng = seededRandom;

function randomBytesFrom(random: () => number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) {
    const v = Math.floor(random() * 4294967296);
    for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
  }
  return out;
}

function rfc3339(ms: number): string {
  // The gateway's +08:00 form (NOTES §4), computed without the local time zone.
  const d = new Date(ms + 8 * 3600_000);
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

interface Statements {
  order: SqliteStatement<unknown[]>;
  event: SqliteStatement<unknown[]>;
  attempt: SqliteStatement<unknown[]>;
  refund: SqliteStatement<unknown[]>;
  sequence: SqliteStatement<unknown[]>;
  closeDay: SqliteStatement<unknown[]>;
}

export function buildMillionOrderJournal(file: string, options: MillionOrderOptions = {}): MillionOrderJournal {
  const started = process.hrtime.bigint();
  const total = options.orders ?? 1_000_000;
  const days = options.days ?? 365;
  const lastDay = options.lastDay ?? localDay(Date.now());
  const terminalId = options.terminalId ?? 'HNB7-T1';
  const random = prng(options.seed ?? 20250314);
  const dayList: string[] = [];
  {
    let d = lastDay;
    for (let i = 0; i < days; i++) {
      dayList.unshift(d);
      d = previousDay(d);
    }
  }
  const openDays = dayList.slice(-Math.min(7, days));
  const marker = JSON.stringify({ total, days, lastDay, terminalId, seed: options.seed ?? 20250314 });
  if (options.reuse === true) {
    const kept = readMarker(file, marker);
    if (kept !== undefined) return { ...kept, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }

  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
  const db = openDatabase(file, { migrations });
  // WAL cannot go straight to OFF; without a journal the one big transaction is not
  // copied through a 3 GB WAL file first.
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');

  const s: Statements = {
    order: db.prepare<unknown[]>(
      'INSERT INTO orders (id, merchant_trans_id, business_day, terminal_id, seq, amount_minor, currency, refunded_minor, state, ' +
        'cancel_requested, unknown_count, next_action_at, pay_deadline, created_at, updated_at, cart_id, acquirement_id, result_code, result_message, ' +
        'paid_at, alarm, qr_code, extra, body_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, NULL, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)',
    ),
    event: db.prepare<unknown[]>('INSERT INTO events (order_id, at, actor, kind, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    attempt: db.prepare<unknown[]>(
      'INSERT INTO attempts (order_id, refund_id, api, req_msg_id, sent_at, received_at, outcome, result_code, status, unknown_reason, http_status, repeats, raw_response) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    refund: db.prepare<unknown[]>(
      'INSERT INTO refunds (id, order_id, merchant_refund_id, amount_minor, currency, state, business_day, refund_id, result_code, reason, created_at, updated_at, body_text) ' +
        "VALUES (?, ?, ?, ?, ?, 'SUCCEEDED', ?, ?, 'SUCCESS', ?, ?, ?, ?)",
    ),
    sequence: db.prepare<unknown[]>('INSERT INTO sequences (terminal_id, day, last) VALUES (?, ?, ?)'),
    closeDay: db.prepare<unknown[]>('INSERT INTO business_days (day, closed_at, closed_by, z_report) VALUES (?, ?, ?, ?)'),
  };

  const bodies = new Map<string, { text: string; amount: number; title: string; detail: string; items: OrderItem[] }>();
  // As Journal.createOrder packs bodies: against a reference body the journal keeps once.
  const references = new ReferenceBodies(db);
  const last7 = Math.ceil((total * openDays.length) / days);
  const unresolvedShare = Math.min(1, (total * 0.003) / Math.max(1, last7));
  let unresolved = 0;
  let refunds = 0;
  let orderId = 0;

  db.transaction(() => {
    dayList.forEach((day, dayIndex) => {
      const count = Math.floor(total / days) + (dayIndex < total % days ? 1 : 0);
      const dayStart = dayStartMs(day) + 8 * 3600_000;
      const open = openDays.includes(day);
      for (let seq = 1; seq <= count; seq++) {
        orderId += 1;
        const createdAt = dayStart + Math.floor(((seq - 0.5) / count) * 14 * 3600_000);
        const currency = pickCurrency(random());
        const lines = pickItems(random);
        const key = `${currency}|${lines.map(([p, q]) => `${p}x${q}`).join(',')}`;
        let body = bodies.get(key);
        if (body === undefined) {
          const items: OrderItem[] = lines.map(([p, q]) => ({ name: PRODUCTS[p]![0], quantity: q, unitPriceMinor: priceIn(PRODUCTS[p]![1], currency) }));
          const amount = items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0);
          const built = buildPreCreateBody({ merchantTransId: 'TRANSID', amountMinor: amount, currency, title: SETUP.seller.storeName, items }, SETUP);
          const order = built.body.order as { orderTitle: string; orderDetail: string };
          body = { text: built.bodyText, amount, title: order.orderTitle, detail: order.orderDetail, items };
          bodies.set(key, body);
        }
        const transId = formatMerchantTransId(terminalId, day, seq);
        const bodyText = body.text.replace('"TRANSID"', JSON.stringify(transId));
        const fate = open && random() < unresolvedShare ? 'unresolved' : pickFate(random());
        const w = new OrderWriter(s, random, orderId, transId, body.amount, currency, createdAt);
        w.event('cashier', 'created', null, 'NEW', null, 0);
        let state: string;
        let qr: string | null = null;
        let acquirementId: string | null = null;
        let resultCode: string | null = null;
        let resultMessage: string | null = null;
        let paidAt: string | null = null;
        let payDeadline: number | null = null;
        let refunded = 0;
        if (fate === 'unresolved') {
          unresolved += 1;
          state = (['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING'] as const)[Math.floor(random() * 4)]!;
          if (state !== 'NEW') w.event('engine', 'sending', 'NEW', 'SENDING', null, 30);
          if (state === 'SENDING') {
            w.attempt('preCreate', 'U', null, null, 'timeout: the gateway did not answer within 15000 ms', null, 1, null, 15_000);
            w.event('engine', 'outcome_unknown', null, null, { outcome: 'U', reason: 'timeout' }, 15_050);
          }
          if (state === 'AWAITING_PAYMENT' || state === 'CANCELLING') {
            ({ qr, acquirementId } = w.preCreateOk(day));
            resultCode = 'SUCCESS';
            resultMessage = 'success';
            payDeadline = createdAt + 120_000;
            w.poll('INIT', 1 + Math.floor(random() * 10));
          }
          if (state === 'CANCELLING') w.event('engine', 'cancelling', 'AWAITING_PAYMENT', 'CANCELLING', { why: 'payment window over' }, 120_100);
        } else if (fate === 'failed') {
          state = 'FAILED';
          w.event('engine', 'sending', 'NEW', 'SENDING', null, 30);
          w.attempt('preCreate', 'F', 'RISK_REJECT', null, null, 200, 1, w.answer('preCreate', { resultInfo: info('F', '00000011', 'RISK_REJECT', 'Declined by risk control') }), 400);
          resultCode = 'RISK_REJECT';
          resultMessage = 'Declined by risk control';
          w.event('engine', 'failed', 'SENDING', 'FAILED', { outcome: 'F', resultCode }, 410);
        } else {
          w.event('engine', 'sending', 'NEW', 'SENDING', null, 30);
          ({ qr, acquirementId } = w.preCreateOk(day));
          resultCode = 'SUCCESS';
          resultMessage = 'success';
          payDeadline = createdAt + 120_000;
          if (fate === 'cancelled') {
            state = 'CANCELLED';
            w.poll('INIT', 55 + Math.floor(random() * 5));
            w.event('engine', 'cancelling', 'AWAITING_PAYMENT', 'CANCELLING', { why: 'payment window over' }, 120_100);
            w.attempt('payCancel', 'S', 'SUCCESS', null, null, 200, 1, w.answer('payCancel', { resultInfo: info('S', '00000000', 'SUCCESS', 'success'), acquirementId, merchantTransId: transId, cancelTime: rfc3339(createdAt + 120_300) }), 120_300);
            w.event('engine', 'cancelled', 'CANCELLING', 'CANCELLED', { outcome: 'S', resultCode: 'SUCCESS' }, 120_320);
          } else {
            state = 'PAID';
            const polls = Math.floor(random() * 12);
            if (polls > 0) w.poll('INIT', polls);
            const paidMs = createdAt + 2_000 * (polls + 1);
            paidAt = rfc3339(paidMs - 400);
            w.poll('SUCCESS', 1, paidAt);
            w.event('engine', 'paid', 'AWAITING_PAYMENT', 'PAID', { outcome: 'S', resultCode: 'SUCCESS' }, paidMs - createdAt + 20);
            if (random() < 0.005) {
              // A refund, full or half, a little later the same day.
              refunds += 1;
              const amount = random() < 0.5 ? body.amount : Math.max(1, Math.floor(body.amount / 2));
              refunded = amount;
              const merchantRefundId = `${transId}R01`;
              const refundBody = JSON.stringify({
                merchantId: SETUP.merchantId,
                acquirementId,
                merchantRefundId,
                refundAmount: { currency, value: String(amount) },
                refundReason: 'customer changed mind',
              });
              const at = createdAt + 600_000;
              const refundRowId = refunds;
              const refundRow = [refundRowId, orderId, merchantRefundId, amount, currency, day, `${acquirementId}9`, 'customer changed mind', at, at + 800, refundBody];
              w.defer(() => s.refund.run(...refundRow));
              w.event('supervisor', 'refund_requested', 'PAID', 'PAID', { refund: merchantRefundId, amount }, 600_000);
              w.attempt(
                'refund',
                'S',
                'SUCCESS',
                null,
                null,
                200,
                1,
                w.answer('refund', { resultInfo: info('S', '00000000', 'SUCCESS', 'success'), acquirementId, merchantRefundId, refundId: `${acquirementId}9`, refundAmount: { currency, value: String(amount) }, refundTime: rfc3339(at + 700) }),
                600_700,
                refundRowId,
              );
              const full = amount === body.amount;
              if (full) state = 'REFUNDED';
              w.event('engine', full ? 'refunded' : 'refund_succeeded', 'PAID', state, { refund: merchantRefundId, amount }, 600_800);
            }
          }
        }
        s.order.run(
          orderId,
          transId,
          day,
          terminalId,
          seq,
          body.amount,
          currency,
          refunded,
          state,
          payDeadline,
          createdAt,
          w.lastAt,
          null,
          acquirementId,
          resultCode,
          resultMessage,
          paidAt,
          qr,
          // As engine.create journals an order: title and detail as the body has them, the cart's items.
          extraOf({ title: body.title, detail: body.detail, items: body.items }, bodyText),
          references.pack(bodyText, createdAt),
        );
        w.flush();
      }
      s.sequence.run(terminalId, day, Math.max(1, count));
    });
  })();

  const closedAt = Date.now();
  db.transaction(() => {
    for (const day of dayList) {
      if (openDays.includes(day)) continue;
      s.closeDay.run(day, closedAt, 'supervisor', JSON.stringify(toZReport(reconcileDay(db, day), closedAt, 'supervisor')));
    }
  })();
  db.pragma('journal_mode = WAL');
  const result: MillionOrderJournal = {
    file,
    orders: orderId,
    days,
    firstDay: dayList[0]!,
    lastDay,
    unresolved,
    refunds,
    openDays,
    fileBytes: fs.statSync(file).size,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
  db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('bench.fixture', ?, ?)").run(JSON.stringify({ marker, result }), new Date().toISOString());
  db.close();
  return result;
}

function readMarker(file: string, marker: string): MillionOrderJournal | undefined {
  if (!fs.existsSync(file)) return undefined;
  let db;
  try {
    db = openDatabase(file, { migrations, readonly: true });
  } catch {
    return undefined;
  }
  try {
    const row = db.prepare("SELECT value FROM settings WHERE key = 'bench.fixture'").get() as { value: string } | undefined;
    if (row === undefined) return undefined;
    const kept = JSON.parse(row.value) as { marker: string; result: MillionOrderJournal };
    return kept.marker === marker ? { ...kept.result, file } : undefined;
  } finally {
    db.close();
  }
}

function info(status: string, id: string, code: string, msg: string) {
  return { resultStatus: status, resultCodeId: id, resultCode: code, resultMsg: msg };
}

/** Collects one order's events and attempts, written after the order row (foreign keys). */
class OrderWriter {
  lastAt: number;
  lastReqMsgId = '';
  /** The request id of the attempt an answer was built for: the gateway echoes it in the answer's head. */
  private pendingReqMsgId: string | undefined;
  private acquirementId = '';
  private readonly rows: Array<() => void> = [];
  private readonly token: string;

  constructor(
    private readonly s: Statements,
    private readonly random: () => number,
    private readonly orderId: number,
    private readonly transId: string,
    private readonly amount: number,
    private readonly currency: string,
    private readonly createdAt: number,
  ) {
    this.lastAt = createdAt;
    this.token = randomBytesFrom(random, 16).toString('base64url');
  }

  event(actor: string, kind: string, from: string | null, to: string | null, detail: Record<string, unknown> | null, offsetMs: number): void {
    const at = this.createdAt + offsetMs;
    this.lastAt = Math.max(this.lastAt, at);
    const text = detail === null ? null : JSON.stringify(detail);
    this.rows.push(() => this.s.event.run(this.orderId, at, actor, kind, from, to, text));
  }

  attempt(
    api: string,
    outcome: string,
    resultCode: string | null,
    status: string | null,
    unknownReason: string | null,
    httpStatus: number | null,
    repeats: number,
    raw: string | null,
    offsetMs: number,
    refundId: number | null = null,
  ): void {
    const reqMsgId = raw === null ? this.newReqMsgId() : this.pendingReqMsgId!;
    this.pendingReqMsgId = undefined;
    this.lastReqMsgId = reqMsgId;
    const sent = this.createdAt + offsetMs;
    const received = sent + 180 + (repeats - 1) * 2_000;
    this.lastAt = Math.max(this.lastAt, received);
    const packed = raw === null ? null : packAnswer(raw, reqMsgId);
    this.rows.push(() => this.s.attempt.run(this.orderId, refundId, api, reqMsgId, sent, received, outcome, resultCode, status, unknownReason, httpStatus, repeats, packed));
  }

  private newReqMsgId(): string {
    return randomBytesFrom(this.random, 16).toString('hex');
  }

  /** A signed answer as the gateway sends it: head echoing the request, body, RSA-2048 signature. */
  answer(api: string, body: Record<string, unknown>): string {
    const fn = {
      preCreate: 'alipay.intl.acquiring.offline.preCreate',
      payQuery: 'alipay.intl.acquiring.offline.payQuery',
      payCancel: 'alipay.intl.acquiring.common.payCancel',
      refund: 'alipay.intl.acquiring.common.refund',
    }[api];
    // The request id is the attempt's (envelope.ts newReqMsgId); read-response.ts refuses an answer that does not echo it.
    this.pendingReqMsgId = this.newReqMsgId();
    const head = { version: '2.0.4', function: fn, clientId: '2110000000000044', respTime: rfc3339(this.lastAt), reqMsgId: this.pendingReqMsgId, reserve: '{}' };
    const signature = randomBytesFrom(this.random, 256).toString('base64');
    return `{"response":{"head":${JSON.stringify(head)},"body":${JSON.stringify(body)}},"signature":"${signature}"}`;
  }

  preCreateOk(day: string): { qr: string; acquirementId: string } {
    const qr = `https://qr.alipay.com/bax0${this.token}`;
    const acquirementId = `${day.replaceAll('-', '')}11${String(this.orderId).padStart(8, '0')}${String(Math.floor(this.random() * 1e8)).padStart(8, '0')}`;
    const raw = this.answer('preCreate', {
      resultInfo: info('S', '00000000', 'SUCCESS', 'success'),
      merchantTransId: this.transId,
      orderQrCode: qr,
      acquirementId,
      createTime: rfc3339(this.createdAt + 300),
      orderAmount: { currency: this.currency, value: String(this.amount) },
      payScheme: `alipays://platformapi/startApp?appId=10000007&actionType=route&qrcode=${encodeURIComponent(qr)}`,
      picUrl: `${qr}/pic?size=M`,
      smallPicUrl: `${qr}/pic?size=S`,
      bigPicUrl: `${qr}/pic?size=L`,
    });
    this.attempt('preCreate', 'S', 'SUCCESS', null, null, 200, 1, raw, 40);
    this.event('engine', 'qr_ready', 'SENDING', 'AWAITING_PAYMENT', { outcome: 'S', resultCode: 'SUCCESS' }, 400);
    this.acquirementId = acquirementId;
    return { qr, acquirementId };
  }

  /** `repeats` identical polls, folded into one row as recordAttempt does. */
  poll(status: 'INIT' | 'SUCCESS', repeats: number, paymentTime?: string): void {
    const body: Record<string, unknown> = {
      resultInfo: info('S', '00000000', 'SUCCESS', 'success'),
      acquirementId: this.acquirementId,
      merchantTransId: this.transId,
      acquirementStatus: status,
      orderAmount: { currency: this.currency, value: String(this.amount) },
      createTime: rfc3339(this.createdAt + 300),
    };
    if (status === 'SUCCESS') {
      body.payAmount = { currency: this.currency, value: String(this.amount) };
      body.paymentTime = paymentTime;
    }
    const offset = Math.max(2_000, this.lastAt - this.createdAt + 2_000);
    // As Journal.recordAttempt: a "not paid yet" answer keeps its row, not its text.
    this.attempt('payQuery', 'S', 'SUCCESS', status, null, 200, repeats, status === 'INIT' ? null : this.answer('payQuery', body), offset);
  }

  /** A row that must follow the order row (foreign keys), in order with the others. */
  defer(write: () => void): void {
    this.rows.push(write);
  }

  flush(): void {
    for (const row of this.rows) row();
  }
}

function pickCurrency(r: number): string {
  let acc = 0;
  for (const [code, share] of CURRENCIES) {
    acc += share;
    if (r < acc) return code;
  }
  return CURRENCIES[0]![0];
}

/** HKD prices are in cents; the other currencies get a rough conversion in their own minor units. */
function priceIn(hkdCents: number, currency: string): number {
  if (currency === 'USD') return Math.round(hkdCents / 7.8);
  if (currency === 'JPY') return Math.round((hkdCents / 100) * 19);
  return hkdCents;
}

function pickItems(random: () => number): Array<[number, number]> {
  const n = 1 + Math.floor(random() * 3);
  const lines: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const p = Math.floor(random() * PRODUCTS.length);
    if (lines.some(([q]) => q === p)) continue;
    lines.push([p, random() < 0.8 ? 1 : 2]);
  }
  return lines.sort((a, b) => a[0] - b[0]);
}

function pickFate(r: number): 'paid' | 'cancelled' | 'failed' {
  if (r < 0.9) return 'paid';
  if (r < 0.99) return 'cancelled';
  return 'failed';
}

function dayStartMs(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}

function previousDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const prev = new Date(Date.UTC(y, m - 1, d - 1));
  const out = `${prev.getUTCFullYear()}-${String(prev.getUTCMonth() + 1).padStart(2, '0')}-${String(prev.getUTCDate()).padStart(2, '0')}`;
  // nextDay is the journal's own arithmetic: the two must agree.
  if (nextDay(out) !== day) throw new Error(`day arithmetic disagrees at ${day}`);
  return out;
}
