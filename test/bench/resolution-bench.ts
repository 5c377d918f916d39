import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { AlipayClient } from '../../main/alipay/client';
import { toMoney } from '../../main/alipay/currency';
import { buildPreCreateBody, type MerchantSetup } from '../../main/alipay/precreate-body';
import { startSandbox } from '../../main/alipay/sandbox/server';
import { GatewayTransport } from '../../main/alipay/transport';
import { CheckoutEngine } from '../../main/checkout/engine';
import { openTillDatabase } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import { line } from './measure';

const SETUP: MerchantSetup = {
  merchantId: 'BENCH_MERCHANT',
  seller: { sellerId: 'S1', sellerMCC: '5499', sellerName: 'Bench Store', storeId: 'ST1', storeMCC: '5499', storeName: 'Bench Store #1', terminalId: 'TBENCH002' },
  site: 'ALIPAY_HK',
};

/**
 * 1,000 orders whose preCreate outcome is unknown (half of them did reach the gateway, as
 * after a dropped answer), resolved by a freshly started engine: time until every outcome
 * is known (QR in hand or failed).
 */
export async function benchResolution(count = 1000): Promise<void> {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const gateway = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sandbox = await startSandbox({ port: 0, gatewayPrivateKey: gateway.privateKey, clients: [{ clientId: 'BENCH', merchantId: 'BENCH_MERCHANT', publicKey: merchant.publicKey }] });
  const client = new AlipayClient({
    transport: new GatewayTransport({ baseUrl: sandbox.url }),
    clientId: 'BENCH',
    merchantId: 'BENCH_MERCHANT',
    keys: { merchantPrivateKey: async () => merchant.privateKey, alipayPublicKey: async () => gateway.publicKey },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-resolve-'));
  const db = openTillDatabase(dir);
  const journal = new Journal(db);
  for (let i = 0; i < count; i++) {
    const ids = journal.allocateOrderId('TBENCH002');
    const amountMinor = 100 + i;
    const { bodyText } = buildPreCreateBody({ merchantTransId: ids.merchantTransId, amountMinor, currency: 'USD', title: 'Coffee' }, SETUP);
    const { order } = journal.createOrder({ ...ids, terminalId: 'TBENCH002', amountMinor, currency: 'USD', title: 'Coffee', detail: null, items: [], bodyText, cartId: null }, 'cashier');
    journal.transition(order.id, 'NEW', { state: 'SENDING', unknownCount: 1 }, { actor: 'engine', kind: 'sending' });
    if (i % 2 === 0) await client.preCreate(bodyText, { merchantTransId: ids.merchantTransId, amount: toMoney(amountMinor, 'USD') });
  }
  const engine = new CheckoutEngine({ journal, client: () => client, setup: () => SETUP, settings: { paymentWindowMs: 600_000, pollIntervalMs: 600_000 } });
  const start = process.hrtime.bigint();
  engine.start();
  // Polls of the QR orders are pushed out of the way: this measures the unknowns only.
  const unknown = db.prepare("SELECT count(*) FROM orders WHERE state IN ('NEW', 'SENDING')").pluck();
  const isKnown = () => unknown.get() === 0;
  while (!isKnown()) await new Promise((r) => setTimeout(r, 20));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await engine.stop();
  await client.close();
  await sandbox.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  line(`resolution of ${count} unknown orders (to QR or failed)`, `${seconds.toFixed(2)} s`);
}
