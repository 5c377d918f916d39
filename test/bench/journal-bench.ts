import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { openTillDatabase } from '../../main/config/data-dir';
import { openDatabase } from '../../native/sqlite/open-database';
import { Journal } from '../../main/journal/journal';
import { reconcileDay } from '../../main/journal/reconcile';
import { buildMillionOrderJournal } from './journal-fixture';
import { line, percentile } from './measure';
import { pairedTimes, ratioLine } from './paired';

const SETUP: MerchantSetup = {
  merchantId: 'BENCH_MERCHANT',
  seller: { sellerId: 'S1', sellerMCC: '5499', sellerName: 'Bench Store', storeId: 'ST1', storeMCC: '5499', storeName: 'Bench Store #1', terminalId: 'TBENCH001' },
  site: 'ALIPAY_HK',
  device: { serialNo: 'TBENCH001', osName: 'linux', osVersion: '6.1.0', deviceName: 'till-1', systemLanguage: 'EN', timeZone: 'UTC+08:00' },
};

/** WAL frames written since the file's last reset (8 KB pages plus their 24-byte frame headers). */
function walFrames(file: string, pageSize: number): number {
  try {
    return Math.max(0, Math.round((fs.statSync(`${file}-wal`).size - 32) / (pageSize + 24)));
  } catch {
    return 0;
  }
}

/**
 * What engine.create does before the first byte leaves (number, body, durable insert),
 * beside the bare limit: one row of one integer committed durably, in a file opened by the
 * same code with the same settings (WAL, synchronous=FULL, 8 KB pages, autocheckpoint),
 * taken in turns with the create.
 */
export function benchDurableCreate(count = 2000): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-create-'));
  const db = openTillDatabase(dir);
  const journal = new Journal(db);
  const bare = openDatabase(path.join(dir, 'bare.sqlite'), { migrations: [{ version: 1, name: 'bare', up: (d) => d.exec('CREATE TABLE bare (id INTEGER PRIMARY KEY, v INTEGER NOT NULL) STRICT') }] });
  const insertBare = bare.prepare('INSERT INTO bare (v) VALUES (?)');
  let i = 0;
  const create = () => {
    const n = i++;
    // As the engine creates an order: number, frozen body and row in one durable commit.
    journal.createNextOrder(
      'TBENCH001',
      (ids) => {
        const { bodyText } = buildPreCreateBody({ merchantTransId: ids.merchantTransId, amountMinor: 239 + n, currency: 'USD', title: 'Coffee and cake', items: [{ name: 'Latte', quantity: 2, unitPriceMinor: 100 }] }, SETUP);
        // A cart id, as every sale from a screen has.
        return { amountMinor: 239 + n, currency: 'USD', title: 'Coffee and cake', detail: null, items: [{ name: 'Latte', quantity: 2, unitPriceMinor: 100 }], bodyText, cartId: `bench-cart-${n}` };
      },
      'cashier',
    );
  };
  // Pages per create, counted first in a WAL that is not checkpointed meanwhile.
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('wal_autocheckpoint = 0');
  const counted = 200;
  for (let k = 0; k < counted; k++) create();
  const pagesPerCreate = walFrames(db.name, pageSize) / counted;
  db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  let v = 0;
  const times = pairedTimes(create, () => insertBare.run(v++), count);
  db.close();
  bare.close();
  fs.rmSync(dir, { recursive: true, force: true });
  line('journaled order create, durable (p50)', `${percentile(times.figure, 50).toFixed(3)} ms`);
  line('journaled order create: WAL pages written per create', pagesPerCreate.toFixed(1), 'fewer than 7');
  const p99 = percentile(times.figure, 99);
  const bareP99 = percentile(times.limit, 99);
  ratioLine('journaled order create, durable, p99 vs bare commit', `${p99.toFixed(3)} ms`, `${bareP99.toFixed(3)} ms`, p99 / bareP99, { absolute: '<= 2 ms', ratio: '<= 1.5x' });
}

/** Reconciliation, recovery scan and size on a journal of a million orders. */
export function benchMillionOrders(orders = 1_000_000): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-1m-'));
  const file = path.join(dir, 'till.sqlite');
  const built = buildMillionOrderJournal(file, { orders });
  line(`journal of ${built.orders.toLocaleString('en')} orders over ${built.days} days built in`, `${built.seconds.toFixed(1)} s`);
  line('database bytes per order (whole file / orders)', `${Math.round(built.fileBytes / built.orders)} B`, '<= 2 KB');

  const openStart = process.hrtime.bigint();
  const db = openTillDatabase(dir);
  const journal = new Journal(db);
  const unresolved = journal.unresolved();
  const scanMs = Number(process.hrtime.bigint() - openStart) / 1e6;
  line(`start-up: open + recovery scan (${unresolved.length} unresolved)`, `${scanMs.toFixed(1)} ms`, '<= 500 ms');

  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const day = built.openDays[i % built.openDays.length] ?? built.lastDay;
    const start = process.hrtime.bigint();
    reconcileDay(journal, day);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  line('reconciliation of one day at 1M orders (median of 20)', `${percentile(times, 50).toFixed(1)} ms`, '<= 50 ms');
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
