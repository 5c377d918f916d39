// The till process of the crash test (test/crash/crash-recovery.test.ts), the one that gets
// SIGKILLed. It is a till as it runs at a counter: it opens the data directory, starts the
// checkout engine (start() is the recovery of every unresolved order) and then rings up
// orders one after another until the journal holds the target, without waiting for each
// payment, keeping a bounded number unresolved at a time; now and then a supervisor refunds
// a paid order. It exits 0 once the target is reached and nothing is unresolved (no order,
// no refund), 2 when its own timer ends first.
//
//   node --import tsx test/crash/till-driver.ts DATA_DIR TARGET_ORDERS [MAX_UNRESOLVED] [MAX_SECONDS]
//
// Every line it prints starts with a word a reader can grep: start, created, create-failed,
// refund, refund-failed, done, timeout. It needs the keychain of the data directory's
// profile (run it inside test/support/keyring-session.sh).
import { CheckoutEngine } from '../../main/checkout/engine';
import type { CartInput } from '../../main/checkout/engine-types';
import { isTillError } from '../../main/errors';
import { createClient, openTill } from '../../main/runtime/open-till';
import { linkedStoreClient } from '../../main/sync/join-store';
import { readStoreLink } from '../../main/sync/store-link';
import { StoreSync } from '../../main/sync/store-sync';

/** Below the sandbox's timeoutHoldMs in the crash test, so a held request is a client timeout. */
export const DRIVER_TIMEOUT_MS = 600;

const TITLES = [
  'Coffee & cake',
  '珍珠奶茶 (大)',
  '叉燒飯',
  '抹茶ラテ',
  'Dim sum — 蝦餃 ×4',
  'Croissant',
  '牛肉麵 + 可樂',
  'おにぎり 2個',
  'Flat white, oat',
  '한국 김밥',
];

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

function randomCart(): CartInput {
  return {
    amountMinor: randomInt(1, 99_999),
    currency: Math.random() < 0.5 ? 'USD' : 'JPY',
    title: TITLES[randomInt(0, TITLES.length - 1)]!,
  };
}

/** Share of created orders after which a paid order is refunded. */
const REFUND_RATE = 0.12;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  const [dataDir, targetText, maxUnresolvedText = '5', maxSecondsText = '120'] = process.argv.slice(2);
  const target = Number(targetText);
  const maxUnresolved = Number(maxUnresolvedText);
  const maxSeconds = Number(maxSecondsText);
  if (!dataDir || !Number.isInteger(target) || target < 0 || !Number.isInteger(maxUnresolved) || maxUnresolved < 1 || !(maxSeconds > 0)) {
    process.stderr.write('usage: till-driver.ts DATA_DIR TARGET_ORDERS [MAX_UNRESOLVED] [MAX_SECONDS]\n');
    return 64;
  }
  const deadline = Date.now() + maxSeconds * 1000;

  const till = openTill({ dataDir });
  const config = till.config();
  // The till's own parts, with a shorter request timeout and a faster backoff than a
  // counter would use, so hundreds of orders fit in minutes. Everything else is as shipped.
  const client = createClient({ ...config, 'gateway.timeoutMs': DRIVER_TIMEOUT_MS }, till.vault);
  const engine = new CheckoutEngine({
    journal: till.journal,
    client: () => client,
    setup: () => till.merchantSetup(),
    settings: {
      paymentWindowMs: config['payment.windowSeconds'] * 1000,
      pollIntervalMs: config['payment.pollIntervalMs'],
      backoff: { baseMs: 100, maxMs: 1_000 },
      resendsBeforeQuery: 2,
      concurrency: 6,
    },
  });
  const countOrders = till.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM orders');
  const orders = () => countOrders.get()!.n;
  // A paid order nobody has refunded yet, among the latest ones.
  const refundable = till.db.prepare<[], { id: number; amount_minor: number }>(
    "SELECT id, amount_minor FROM orders o WHERE state = 'PAID' AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id) ORDER BY id DESC LIMIT 20",
  );

  /** Now and then a supervisor refunds a paid order, in full or in part. */
  async function maybeRefund(): Promise<void> {
    if (Math.random() >= REFUND_RATE) return;
    const candidates = refundable.all();
    const pick = candidates[randomInt(0, candidates.length - 1)];
    if (!pick) return;
    const amount = Math.random() < 0.5 ? pick.amount_minor : randomInt(1, pick.amount_minor);
    try {
      const refund = await engine.refund(pick.id, amount, 'crash test', 'supervisor');
      say(`refund ${refund.merchantRefundId} ${refund.currency} ${refund.amountMinor}`);
    } catch (error) {
      say(`refund-failed ${isTillError(error) ? error.code : 'INTERNAL'} ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // As the till app does (main/runtime/till-services.ts): when the till is joined to a store,
  // its journal goes to the server in the background while it sells. A faster backoff than
  // the app's, so a server killed and restarted is caught up within the test's minutes.
  const sync = new StoreSync({ journal: till.journal, link: () => readStoreLink(till.settings), client: () => linkedStoreClient(till), backoff: { baseMs: 200, maxMs: 2_000 } });
  const nudge = () => sync.nudge();
  engine.on('order', nudge).on('refund', nudge).on('alarm', nudge);
  sync.start();

  const recovered = engine.start();
  say(`start pid=${process.pid} orders=${orders()} recovering=${recovered.orders} refunds=${recovered.refunds}`);

  while (orders() < target && Date.now() < deadline) {
    if (till.journal.countUnresolved() >= maxUnresolved) {
      await sleep(25);
      continue;
    }
    try {
      const order = await engine.create(randomCart(), 'cashier');
      say(`created ${order.merchantTransId} ${order.currency} ${order.amountMinor}`);
      await maybeRefund();
    } catch (error) {
      say(`create-failed ${isTillError(error) ? error.code : 'INTERNAL'} ${error instanceof Error ? error.message : String(error)}`);
      await sleep(200);
    }
  }
  while ((till.journal.countUnresolved() > 0 || till.journal.pendingRefunds().length > 0) && Date.now() < deadline) await sleep(50);

  const unresolved = till.journal.unresolved();
  const pending = till.journal.pendingRefunds();
  const done = orders() >= target && unresolved.length === 0 && pending.length === 0;
  if (done) say(`done orders=${orders()}`);
  else {
    const states = unresolved.map((o) => `${o.merchantTransId}:${o.state}`).slice(0, 20);
    say(`timeout orders=${orders()} unresolved=${unresolved.length} pendingRefunds=${pending.length} ${states.join(' ')}`);
  }
  await engine.stop();
  await sync.stop();
  await client.close();
  await till.close();
  return done ? 0 : 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`till-driver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
