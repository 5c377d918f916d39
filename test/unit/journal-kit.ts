import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { Attempt, Outcome } from '../../main/alipay/outcome';
import { resultCodeInfo } from '../../main/alipay/result-codes';
import type { ApiName } from '../../main/alipay/functions';
import { openTillDatabase } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import type { NewOrder, OrderState } from '../../main/journal/types';
import type { SqliteDatabase } from '../../native/sqlite';

/** Shared by the journal-*.test.ts and reconcile-*.test.ts files: real SQLite files in temp dirs. */

const roots: string[] = [];
after(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

export function tempDir(prefix = 'till-journal-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

/** A settable wall clock; starts at noon local time on 2025-03-14. */
export class TestClock {
  ms: number;
  constructor(start = localMs(2025, 3, 14, 12)) {
    this.ms = start;
  }
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

/** Local time, so business days are known whatever TZ the tests run in. */
export function localMs(year: number, month: number, day: number, hour = 12, minute = 0): number {
  return new Date(year, month - 1, day, hour, minute).getTime();
}

export interface OpenedJournal {
  dir: string;
  db: SqliteDatabase;
  journal: Journal;
  clock: TestClock;
  reopen(): OpenedJournal;
  close(): void;
}

export function openJournal(dir = tempDir(), clock = new TestClock()): OpenedJournal {
  const db = openTillDatabase(dir);
  const journal = new Journal(db, { now: clock.now });
  const opened: OpenedJournal = {
    dir,
    db,
    journal,
    clock,
    reopen() {
      if (db.open) db.close();
      return openJournal(dir, clock);
    },
    close() {
      if (db.open) db.close();
    },
  };
  after(() => opened.close());
  return opened;
}

export function orderInput(journal: Journal, overrides: Partial<NewOrder> & { terminalId?: string } = {}): NewOrder {
  const terminalId = overrides.terminalId ?? 'T01';
  const ids = overrides.merchantTransId === undefined ? journal.allocateOrderId(terminalId) : { merchantTransId: overrides.merchantTransId, businessDay: overrides.businessDay ?? journal.businessDayFor(), seq: overrides.seq ?? 1 };
  const amountMinor = overrides.amountMinor ?? 239;
  const currency = overrides.currency ?? 'USD';
  return {
    ...ids,
    terminalId,
    amountMinor,
    currency,
    title: 'Corner Shop order',
    detail: '1 x Tea',
    items: [{ name: 'Tea', quantity: 1, unitPriceMinor: amountMinor }],
    bodyText: JSON.stringify({ merchantTransId: ids.merchantTransId, order: { orderAmount: { currency, value: String(amountMinor) }, orderTitle: 'Corner Shop order' } }),
    cartId: null,
    ...overrides,
  };
}

/** Creates an order and walks it through `path` with transitions, as the engine would. */
export function orderIn(journal: Journal, state: OrderState, overrides: Partial<NewOrder> = {}) {
  const { order } = journal.createOrder(orderInput(journal, overrides), 'cashier');
  const path: Record<OrderState, OrderState[]> = {
    NEW: [],
    SENDING: ['SENDING'],
    AWAITING_PAYMENT: ['SENDING', 'AWAITING_PAYMENT'],
    CANCELLING: ['SENDING', 'AWAITING_PAYMENT', 'CANCELLING'],
    PAID: ['SENDING', 'AWAITING_PAYMENT', 'PAID'],
    REFUNDED: ['SENDING', 'AWAITING_PAYMENT', 'PAID'],
    CANCELLED: ['SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'CANCELLED'],
    FAILED: ['SENDING', 'FAILED'],
  };
  let current = order;
  for (const next of path[state]) {
    const patch = next === 'PAID' ? { state: next, paidAt: '2025-03-14T12:00:05+08:00', acquirementId: `ACQ${order.id}` } : { state: next };
    const moved = journal.transition(current.id, current.state, patch, { actor: 'engine', kind: next.toLowerCase() });
    assert.ok(moved, `could not move order ${order.id} to ${next}`);
    current = moved;
  }
  return current;
}

type AttemptOptions = {
  api?: ApiName;
  kind?: 'S' | 'F' | 'U';
  resultCode?: string;
  status?: string;
  reason?: 'timeout' | 'unreachable' | 'http_status';
  detail?: string;
  httpStatus?: number;
  raw?: string;
  reqMsgId?: string;
  sentAt?: number;
  receivedAt?: number;
};

let reqCounter = 0;

export function attempt(options: AttemptOptions = {}): Attempt<unknown> {
  const api = options.api ?? 'payQuery';
  const kind = options.kind ?? 'S';
  const resultCode = options.resultCode ?? (kind === 'S' ? 'SUCCESS' : 'PROCESS_FAIL');
  const result = { resultStatus: kind, resultCodeId: '00000000', resultCode, resultMsg: 'msg' } as const;
  let outcome: Outcome<unknown>;
  if (kind === 'S') outcome = { kind, result, info: resultCodeInfo(resultCode, 'S'), data: options.status === undefined ? {} : { status: options.status } };
  else if (kind === 'F') outcome = { kind, result, info: resultCodeInfo(resultCode, 'F'), data: {} };
  else outcome = { kind: 'U', reason: options.reason ?? 'timeout', detail: options.detail ?? 'no answer within 10000 ms' };
  const sentAt = options.sentAt ?? 1_000;
  return {
    api,
    reqMsgId: options.reqMsgId ?? `req${String(++reqCounter).padStart(29, '0')}`,
    reqTime: '2025-03-14T12:00:00+08:00',
    sentAt,
    receivedAt: options.receivedAt ?? sentAt + 100,
    ...(options.httpStatus === undefined && kind === 'U' ? {} : { httpStatus: options.httpStatus ?? 200 }),
    ...(kind === 'U' && options.raw === undefined ? {} : { rawResponse: options.raw ?? `{"response":{"body":{"acquirementStatus":"${options.status ?? ''}"}},"signature":"sig"}` }),
    outcome,
  };
}

export { tillErrorOf as errorOf } from '../support/till-error-of';

export function count(db: SqliteDatabase, table: string, where = '1'): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
}
