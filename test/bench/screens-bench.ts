import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { BRIDGE_PATH, TOKEN_PARAM, type BridgeFrame, type Channel, type ReplyOf, type RequestOf, type Result } from '../../preload/contract';
import { attributeMatching, visible } from '../e2e/support/eventually';
import { keyAmount } from '../e2e/support/keypad';
import { spawnTill, till } from '../support/cli-runner';
import { ensureWebBuilt, RENDERER_INDEX, startWebTill, type WebTill } from '../support/web-till';
import { qrDrawing } from '../../renderer/src/qr/qr-path';
import type { Page } from 'playwright-core';
import { line, percentile } from './measure';
import { pairedAsyncTimes, ratioLine } from './paired';

/**
 * Issue 5 figures: Charge → QR on screen in headless Chromium through the web host, the web
 * host's memory after 1,000 orders with the screens connected, and the renderer's size
 * gzipped. Real till on the sandbox profile (embedded gateway on loopback), real keychain.
 */

const CLICK_ORDERS = 100;
const WARM_UP_ORDERS = 5;
const TOTAL_ORDERS = 1000;
const LONG_DAY_ORDERS = 10_000;
const BRIDGE_WORKERS = 4;
const MB = 1024 * 1024;
const SYNC_ROUNDS = 2;
const SYNC_ROUND_ORDERS = 40;

/**
 * Issue 13: what sending the journal to a store server costs a sale. Rounds of Charge -> QR
 * alternate between the till joined to a store server (its sync worker sending as it sells)
 * and not joined, so the machine's drift falls on both alike.
 */
async function syncCost(w: WebTill): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-store-'));
  // Its own process, as in a store: the server's work never runs on this process's loop.
  const server = spawnTill(['server', 'start', '--listen', '127.0.0.1:0', '--dir', dir], { timeoutMs: 600_000 });
  const url = (await server.waitForOutput(/listening on (http:\/\/\S+)/, 60_000))[1]!;
  const joined: number[] = [];
  const alone: number[] = [];
  let amount = 300;
  try {
    for (let round = 0; round < SYNC_ROUNDS; round++) {
      const enrol = await till(['--json', 'server', 'enrol', '--store', 'BENCH', '--dir', dir], { timeoutMs: 30_000 });
      const code = (JSON.parse(enrol.stdout) as { code: string }).code;
      const join = await till(['--data-dir', w.dataDir, 'store', 'join', url, code], { timeoutMs: 30_000 });
      if (join.status !== 0) throw new Error(`store join failed: ${join.stderr}`);
      for (let i = 0; i < SYNC_ROUND_ORDERS; i++) joined.push(await chargeOnScreen(w, amount++));
      await till(['--data-dir', w.dataDir, 'store', 'leave'], { timeoutMs: 30_000 });
      for (let i = 0; i < SYNC_ROUND_ORDERS; i++) alone.push(await chargeOnScreen(w, amount++));
    }
  } finally {
    server.child.kill('SIGTERM');
    await server.done;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  joined.sort((a, b) => a - b);
  alone.sort((a, b) => a - b);
  line(`click on Charge -> QR, p95, not joined to a store (${alone.length} orders)`, `${percentile(alone, 95).toFixed(1)} ms`);
  line(`click on Charge -> QR, p95, joined, syncing as it sells (${joined.length})`, `${percentile(joined, 95).toFixed(1)} ms`, 'unchanged within noise');
  line('  joined / not joined', `${(percentile(joined, 95) / percentile(alone, 95)).toFixed(2)}x`);
}

/**
 * Arms a clock in the page (a string: the tests compile without the DOM library). It starts
 * when the click on Charge reaches the page, so Playwright's round trips are not counted, and
 * stops once the QR svg is laid out and the frame holding it has been rendered: the task
 * posted from requestAnimationFrame runs after that frame's paint.
 */
const ARM_QR_CLOCK = `(() => {
  window.__qrClock = new Promise((resolve, reject) => {
    let start = null;
    const check = () => {
      if (start === null) return;
      const qr = document.querySelector('[data-testid="payment-qr"]');
      if (qr === null) return;
      const box = qr.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) return;
      stop();
      const from = start;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now() - from);
        channel.port2.postMessage(null);
      });
    };
    const onClick = (event) => {
      if (start !== null || !(event.target instanceof Element) || event.target.closest('[data-testid="charge-button"]') === null) return;
      start = performance.now();
      check();
    };
    const observer = new MutationObserver(check);
    const timer = setTimeout(() => { stop(); reject(new Error('no QR on screen within 10 s of the click on Charge')); }, 10000);
    const stop = () => {
      observer.disconnect();
      window.removeEventListener('click', onClick, true);
      clearTimeout(timer);
    };
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    window.addEventListener('click', onClick, true);
  });
  return true;
})()`;
const READ_QR_CLOCK = 'window.__qrClock';

/** One sale on the till screen: key the amount, Charge (timed), then Cancel and New sale. */
export async function chargeOnScreen(w: WebTill, amountMinor: number): Promise<number> {
  const page = w.page;
  await keyAmount(page, String(amountMinor));
  await attributeMatching(page.getByTestId('amount-display'), 'data-minor', new RegExp(`^${amountMinor}$`));
  await page.evaluate(ARM_QR_CLOCK);
  await page.getByTestId('charge-button').click();
  const ms = await page.evaluate<number>(READ_QR_CLOCK);
  // Cancelled, so the engine does not keep polling a hundred live QRs.
  await page.getByTestId('cancel-button').click();
  await attributeMatching(page.getByTestId('payment-status'), 'data-phase', /^cancelled$/);
  await page.getByTestId('new-sale-button').click();
  await attributeMatching(page.getByTestId('amount-display'), 'data-minor', /^0$/);
  return ms;
}

/**
 * The limit for Charge -> QR (issue 16): a bare page in the same Chromium whose button puts
 * a QR code's SVG (of a sandbox QR address, the till's own path drawing, the till's size) in
 * the page on click. Timed by the same clock as the till: click to the frame after the QR.
 */
function barePage(): string {
  const drawing = qrDrawing('http://127.0.0.1:41234/qr/Xk3vQ9pLm2Rt7Yw1Zb8NcA');
  const svg = `<svg data-testid="payment-qr" viewBox="0 0 ${drawing.size} ${drawing.size}" shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg" style="width:300px;height:300px"><rect width="${drawing.size}" height="${drawing.size}" fill="#fff"/><path d="${drawing.path}" fill="#000"/></svg>`;
  return `<!doctype html><html><body><button type="button" data-testid="charge-button" style="width:200px;height:80px">Charge</button><div id="qr"></div>
<script>
const holder = document.getElementById('qr');
document.querySelector('button').addEventListener('click', () => { holder.innerHTML = ${JSON.stringify(svg)}; });
window.__resetQr = () => { holder.textContent = ''; };
</script></body></html>`;
}

async function chargeOnBarePage(page: Page): Promise<number> {
  await page.bringToFront();
  await page.evaluate(ARM_QR_CLOCK);
  await page.getByTestId('charge-button').click();
  const ms = await page.evaluate<number>(READ_QR_CLOCK);
  await page.evaluate('window.__resetQr()');
  return ms;
}

/** A Node client speaking preload/contract/bridge-protocol.ts, as a page of ours would. */
export class BridgeClient {
  private nextId = 1;
  private readonly pending = new Map<number, (result: Result<unknown>) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as BridgeFrame;
      if (!('id' in frame)) return;
      this.pending.get(frame.id)?.(frame.result);
      this.pending.delete(frame.id);
    });
    ws.on('close', (code) => {
      for (const settle of this.pending.values()) settle({ ok: false, error: { code: 'DISCONNECTED', message: `the bridge closed (${code})` } });
      this.pending.clear();
    });
  }

  static open(w: WebTill): Promise<BridgeClient> {
    const token = /[#?&]token=([^&]+)/.exec(new URL(w.url).hash)?.[1];
    if (token === undefined) throw new Error('no token in the till URL');
    const ws = new WebSocket(`ws://${new URL(w.origin).host}${BRIDGE_PATH}?${TOKEN_PARAM}=${token}`, { origin: w.origin });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new BridgeClient(ws)));
      ws.once('error', reject);
    });
  }

  async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>> {
    const id = this.nextId++;
    const result = await new Promise<Result<unknown>>((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, channel, request }));
    });
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
    return result.value as ReplyOf<C>;
  }

  close(): void {
    this.ws.close();
  }
}

async function ordersThroughBridge(w: WebTill, count: number): Promise<void> {
  const client = await BridgeClient.open(w);
  let next = 0;
  await Promise.all(
    Array.from({ length: BRIDGE_WORKERS }, async () => {
      while (next < count) {
        const i = next++;
        const order = await client.call('order.create', { amountMinor: 100 + i, cartId: `bench-bridge-${process.pid}-${Date.now()}-${i}` });
        if (order.state !== 'AWAITING_PAYMENT') throw new Error(`order ${order.id} is ${order.state}, not AWAITING_PAYMENT`);
        await client.call('order.cancel', { orderId: order.id });
      }
    }),
  );
  client.close();
}

/** The renderer build, gzipped at level 9 as a web server would send it. */
function bundleSizes(root = path.dirname(RENDERER_INDEX)): { code: number; all: number; files: number } {
  let code = 0;
  let all = 0;
  let files = 0;
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const size = gzipSync(fs.readFileSync(path.join(entry.parentPath, entry.name)), { level: 9 }).length;
    all += size;
    files += 1;
    if (/\.(m?js|css)$/.test(entry.name)) code += size;
  }
  return { code, all, files };
}

function printBundle(): void {
  ensureWebBuilt();
  const sizes = bundleSizes();
  line('renderer bundle gzipped (JS + CSS, level 9)', `${(sizes.code / 1024).toFixed(1)} KB`, '<= 300 KB');
  line(`renderer bundle gzipped (all ${sizes.files} files of dist/renderer)`, `${(sizes.all / 1024).toFixed(1)} KB`);
  // Issue 14: the store screen is its own build, served by the store server.
  const store = bundleSizes(path.join(path.dirname(path.dirname(RENDERER_INDEX)), 'store'));
  line('store screen bundle gzipped (JS + CSS, level 9)', `${(store.code / 1024).toFixed(1)} KB`, '<= 200 KB');
}

export async function benchScreens(): Promise<void> {
  if (process.env.TILL_KEYRING_SESSION !== '1') {
    line('Charge -> QR, web host RSS (no keyring-session.sh)', 'skipped');
    printBundle();
    return;
  }
  const w = await startWebTill();
  try {
    await visible(w.page.getByTestId('till-screen'));
    await attributeMatching(w.page.getByTestId('amount-display'), 'data-minor', /^0$/);
    // Its own window, as on a till: a second tab of the till's window would leave the till
    // screen in the background, where Chromium runs its frames once a second.
    const customer = await (await w.browser.newContext()).newPage();
    await customer.goto(w.customerUrl);
    await visible(customer.getByTestId('customer-idle'));
    await w.page.bringToFront();
    const sockets = w.hostOutput().stderr.match(/bridge: ws#\d+ \S+ connected/g)?.length ?? 0;
    if (sockets < 2) throw new Error(`the till and customer screens should both be connected; the host saw ${sockets} sockets`);
    const rssAtStart = w.hostRssBytes();

    // The bare page in a window of its own, as the till's is.
    const bare = await (await w.browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
    await bare.setContent(barePage());
    for (let i = 0; i < WARM_UP_ORDERS; i++) {
      await chargeOnScreen(w, 100 + i);
      await chargeOnBarePage(bare);
    }
    let amount = 200;
    const times = await pairedAsyncTimes(
      async () => {
        await w.page.bringToFront();
        return chargeOnScreen(w, amount++);
      },
      () => chargeOnBarePage(bare),
      CLICK_ORDERS,
    );
    await w.page.bringToFront();
    await bare.context().close();
    line(`click on Charge -> QR painted, p50 (${CLICK_ORDERS} orders, Chromium)`, `${percentile(times.figure, 50).toFixed(1)} ms`);
    const p95 = percentile(times.figure, 95);
    const bareP95 = percentile(times.limit, 95);
    ratioLine(`Charge -> QR painted, p95 vs bare QR page (${CLICK_ORDERS} each)`, `${p95.toFixed(1)} ms`, `${bareP95.toFixed(1)} ms`, p95 / bareP95, { absolute: '<= 25 ms quiet, was <= 100 ms', ratio: '<= 2x' });

    await syncCost(w);

    const onScreen = WARM_UP_ORDERS + CLICK_ORDERS + SYNC_ROUNDS * 2 * SYNC_ROUND_ORDERS;
    await ordersThroughBridge(w, TOTAL_ORDERS - onScreen);
    // A moment for the screens' follow-up reads and the last cancels to finish.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssAt1k = w.hostRssBytes();
    // Issue 16 §3: the sandbox's order book in its own file, so a long day stays flat.
    await ordersThroughBridge(w, LONG_DAY_ORDERS - TOTAL_ORDERS);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssAt10k = w.hostRssBytes();
    line('web host RSS at start (till + customer screens connected)', `${(rssAtStart / MB).toFixed(1)} MB`);
    line(`web host RSS after ${TOTAL_ORDERS} orders (${onScreen} screen + ${TOTAL_ORDERS - onScreen} bridge)`, `${(rssAt1k / MB).toFixed(1)} MB`, '<= 150 MB');
    line(`web host RSS after ${LONG_DAY_ORDERS.toLocaleString('en')} orders`, `${(rssAt10k / MB).toFixed(1)} MB`, '<= 100 MB');
    line(`  growth from ${TOTAL_ORDERS.toLocaleString('en')} to ${LONG_DAY_ORDERS.toLocaleString('en')} orders`, `${((rssAt10k - rssAt1k) / MB).toFixed(1)} MB`, '<= 10 MB');
  } finally {
    await w.close();
  }
  printBundle();
}
