import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { request } from 'undici';
import type { OrderView } from '../../preload/contract';
import { startTillServices } from '../../main/runtime/till-services';
import { spawnTill } from '../support/cli-runner';
import { freePort } from '../support/free-port';
import { openPtyPair } from '../support/pty-pair';
import { cliOk } from '../support/web-till';
import { forkBenchChild } from './bench-child';
import { line, percentile } from './measure';

/**
 * Issue 16 §4: a busy till for ten minutes. 20 sales a second go through the router (as the
 * screens' calls do) to the engine; the gateway is `till sandbox` in its own process with
 * faults on (unknown answers, 5xx, dropped connections, timeouts, spoiled signatures,
 * latency); the receipt printer is a virtual ESC/POS printer on a socat pty. Of the
 * customers, 70 % pay at the QR's address, 20 % are cancelled by the cashier, 10 % walk
 * away (the payment window ends those). Measured in this process, which is the till's:
 * Charge -> QR ready (the reply to order.create: the engine's first answer), the event
 * loop's delay, and RSS over time. At the end, once one payment window has passed, nothing
 * may be unresolved.
 *
 *   npm run bench:sustained [-- MINUTES]      (default 10; BENCH_RATE sales a second, default 20)
 */

const MINUTES = Number(process.argv[2] ?? process.env.BENCH_MINUTES ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const FAULTS = 'unknown=0.03,5xx=0.02,drop=0.02,timeout=0.005,badsig=0.01,latency=5-40,seed=16';
const WINDOW_SECONDS = 60;
const REPORT_EVERY_MS = 60_000;
const MB = 1024 * 1024;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-sustained-'));
  const port = await freePort();
  await cliOk(dataDir, ['config', 'set', 'gateway.baseUrl', `http://127.0.0.1:${port}`]);
  await cliOk(dataDir, ['config', 'set', 'payment.windowSeconds', String(WINDOW_SECONDS)]);
  const pair = await openPtyPair();
  const { proc: printer } = await forkBenchChild<{ ready: true }>('printer-child.ts', { device: pair.device });
  const slips = () =>
    new Promise<number>((resolve) => {
      printer.once('message', (m: { slips: number }) => resolve(m.slips));
      printer.send('count');
    });
  await cliOk(dataDir, ['devices', 'add', 'receipt', '--role', 'printer', '--path', pair.till, '--profile', 'generic']);
  const gateway = spawnTill(['--data-dir', dataDir, 'sandbox', '--port', String(port), '--faults', FAULTS], { timeoutMs: (MINUTES + 10) * 60_000 });
  await gateway.waitForOutput(/listening on/, 60_000);

  const services = await startTillServices({ dataDir, embeddedSandbox: 'never', log: () => undefined });
  const connection = services.router.connect({ host: 'web', label: 'sustained bench' });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();

  const charge: number[] = [];
  const errors = new Map<string, number>();
  const outcomes = { paid: 0, cancelled: 0, walkedAway: 0, noQr: 0 };
  const inFlight = new Set<Promise<void>>();
  let sales = 0;
  let windowCharge: number[] = [];
  const startedAt = Date.now();
  const endAt = startedAt + MINUTES * 60_000;
  const rows: string[] = [];

  const fail = (what: string): void => void errors.set(what, (errors.get(what) ?? 0) + 1);
  const sale = async (n: number): Promise<void> => {
    const start = performance.now();
    const created = await connection.invoke('order.create', { amountMinor: 100 + (n % 9000), cartId: `sustained-${n}` });
    if (!created.ok) return fail(`order.create ${created.error.code}`);
    const ms = performance.now() - start;
    const order = created.value as OrderView;
    if (order.qrCode === null) {
      // "Checking…" (an unknown outcome) or refused: the engine resolves it; the customer goes.
      outcomes.noQr += 1;
      return;
    }
    charge.push(ms);
    windowCharge.push(ms);
    const customer = n % 10;
    // The customer looks at the QR for a moment first.
    await new Promise((resolve) => setTimeout(resolve, 500 + (n % 7) * 300));
    if (customer < 7) {
      const paid = await request(`${order.qrCode}/pay`, { method: 'POST', headers: { accept: 'application/json' } }).catch(() => null);
      if (paid === null) return fail('pay: no answer');
      await paid.body.dump();
      if (paid.statusCode === 200) outcomes.paid += 1;
      else fail(`pay HTTP ${paid.statusCode}`);
    } else if (customer < 9) {
      const cancelled = await connection.invoke('order.cancel', { orderId: order.id });
      if (cancelled.ok) outcomes.cancelled += 1;
      else fail(`order.cancel ${cancelled.error.code}`);
    } else {
      outcomes.walkedAway += 1;
    }
  };

  /** One row per minute; the last one (`end`) covers the sales still finishing after it. */
  const report = (label?: string) => {
    if (windowCharge.length === 0) return;
    windowCharge.sort((a, b) => a - b);
    const unresolved = services.till.journal.countUnresolved();
    rows.push(
      `${(label ?? `${Math.round((Date.now() - startedAt) / 60_000)} min`).padStart(7)}  sales ${String(sales).padStart(6)}  QR p50 ${percentile(windowCharge, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(windowCharge, 99).toFixed(1).padStart(7)} ms  loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1).padStart(6)} ms  RSS ${(process.memoryUsage().rss / MB).toFixed(1)} MB  unresolved ${unresolved}`,
    );
    process.stderr.write(`${rows[rows.length - 1]}\n`);
    windowCharge = [];
  };
  const reporter = setInterval(() => report(), REPORT_EVERY_MS);
  const loopAll = monitorEventLoopDelay({ resolution: 10 });
  loopAll.enable();

  // Sales start on a fixed schedule, whatever the earlier ones are doing (a busy store): a
  // tick that comes late starts every sale that is due, so the rate holds on a busy machine.
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = Date.now();
      const due = Math.floor(((Math.min(now, endAt) - startedAt) * RATE) / 1000);
      while (sales < due) {
        const n = sales++;
        const p = sale(n).catch((error: unknown) => fail(`sale threw ${error instanceof Error ? error.message : String(error)}`));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      if (now >= endAt) {
        clearInterval(tick);
        resolve();
      }
    }, 1000 / RATE);
  });
  await Promise.all(inFlight);
  clearInterval(reporter);
  report('end');
  const loadEnded = Date.now();

  // Whatever is still open ends within one payment window (plus the engine's resolution).
  let unresolved = services.till.journal.countUnresolved();
  const settleBy = loadEnded + (WINDOW_SECONDS + 60) * 1000;
  while (unresolved > 0 && Date.now() < settleBy) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    unresolved = services.till.journal.countUnresolved();
  }
  const settledIn = (Date.now() - loadEnded) / 1000;
  const alarms = services.till.journal.openAlarms();
  loopAll.disable();
  charge.sort((a, b) => a - b);
  const receipts = await slips();

  connection.close();
  await services.close();
  gateway.child.kill('SIGTERM');
  await gateway.done.catch(() => undefined);
  printer.disconnect();
  await pair.close();
  fs.rmSync(dataDir, { recursive: true, force: true });

  process.stdout.write(`\nsustained load: ${RATE} sales/s for ${MINUTES} min through the router; sandbox faults "${FAULTS}"; printer on a pty\n`);
  for (const row of rows) process.stdout.write(`  ${row}\n`);
  line(`sales started (${RATE}/s for ${MINUTES} min)`, String(sales));
  line('  paid / cancelled / walked away / no QR at first', `${outcomes.paid} / ${outcomes.cancelled} / ${outcomes.walkedAway} / ${outcomes.noQr}`);
  line('  receipts printed on the pty', String(receipts));
  line('Charge -> QR ready in the engine, p50', `${percentile(charge, 50).toFixed(1)} ms`);
  line('Charge -> QR ready in the engine, p99', `${percentile(charge, 99).toFixed(1)} ms`);
  line('event loop delay, p99 over the run', `${(loopAll.percentile(99) / 1e6).toFixed(1)} ms`);
  line('event loop delay, max over the run', `${(loopAll.max / 1e6).toFixed(1)} ms`);
  line(`unresolved ${settledIn.toFixed(0)} s after the load ended (window ${WINDOW_SECONDS} s)`, String(unresolved), '0');
  const byKind = new Map<string, number>();
  for (const a of alarms) {
    const kind = `${a.kind}${a.code ? ` (${a.code})` : ''}`;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  line('open alarms at the end', String(alarms.length));
  for (const [kind, n] of byKind) line(`  ${kind}`, String(n));
  for (const [what, n] of errors) line(`  failed: ${what}`, String(n));
  if (unresolved > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`sustained bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
