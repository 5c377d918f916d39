import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { openTillDatabase } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import { reconcileDay } from '../../main/journal/reconcile';
import { buildMillionOrderJournal } from './journal-fixture';
import { line, percentile } from './measure';

const SETUP: MerchantSetup = {
  merchantId: 'BENCH_MERCHANT',
  seller: { sellerId: 'S1', sellerMCC: '5499', sellerName: 'Bench Store', storeId: 'ST1', storeMCC: '5499', storeName: 'Bench Store #1', terminalId: 'TBENCH001' },
  site: 'ALIPAY_HK',
  device: { serialNo: 'TBENCH001', osName: 'linux', osVersion: '6.1.0', deviceName: 'till-1', systemLanguage: 'EN', timeZone: 'UTC+08:00' },
};

/** What engine.create does before the first byte leaves: number, body, durable insert. */
export function benchDurableCreate(count = 2000): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-create-'));
  const db = openTillDatabase(dir);
  const journal = new Journal(db);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    // As the engine creates an order: number, frozen body and row in one durable commit.
    journal.createNextOrder(
      'TBENCH001',
      (ids) => {
        const { bodyText } = buildPreCreateBody({ merchantTransId: ids.merchantTransId, amountMinor: 239 + i, currency: 'USD', title: 'Coffee and cake', items: [{ name: 'Latte', quantity: 2, unitPriceMinor: 100 }] }, SETUP);
        return { amountMinor: 239 + i, currency: 'USD', title: 'Coffee and cake', detail: null, items: [{ name: 'Latte', quantity: 2, unitPriceMinor: 100 }], bodyText, cartId: null };
      },
      'cashier',
    );
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  line('journaled order create, durable (p50)', `${percentile(times, 50).toFixed(3)} ms`);
  line('journaled order create, durable (p99)', `${percentile(times, 99).toFixed(3)} ms`, '<= 2 ms');
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
