// A day at the till through the router, over the real engine, journal, keychain and the
// built-in sandbox: "Charge" answers with the QR, the customer pays, every screen hears it;
// a double click makes one order; cancel, refund, history; the supervisor's reconciliation,
// CSV and close of day; settings and keys; and at the end, no key material, PIN or frozen
// body in anything a screen or the log received.
import assert from 'node:assert/strict';
import { SECRET_ACCOUNTS, createKeychain } from '../../native/keychain';
import { after, before, describe, test } from 'node:test';
import type { OrderView, RefundView, TillEvent } from '../../preload/contract';
import { fingerprint } from '../../main/config/key-material';
import type { TillServices } from '../../main/runtime/till-services';
import { insideKeyringSession, payQr, removeTempDirs } from '../support/cli-runner';
import { assertNothingSecretLeaked, freshDataDir, screen, startServices, transcript, type Screen, setFirstPin } from './ipc-kit';

const PIN = '0815263749';

const orderEvent = (id: number, state: OrderView['state']) => (e: TillEvent): e is Extract<TillEvent, { type: 'order' }> =>
  e.type === 'order' && e.order.id === id && e.order.state === state;

if (insideKeyringSession(__filename, 'router order tests')) {
  describe('router: orders, the day and the settings', () => {
    let dataDir: string;
    let services: TillServices;
    let cashier: Screen;
    let customer: Screen;
    let supervisor: Screen;
    let paid: OrderView;
    let cancelled: OrderView;

    before(async () => {
      dataDir = await freshDataDir();
      services = await startServices(dataDir);
      cashier = screen(services, 'till');
      customer = screen(services, 'customer display');
      supervisor = screen(services, 'supervisor');
      // A screen whose listener breaks must not keep events from the others.
      services.router.connect({ host: 'test', label: 'broken screen' }).subscribe(() => {
        throw new Error('broken screen');
      });
      await setFirstPin(services, supervisor, PIN);
    });

    after(async () => {
      await services?.close();
      removeTempDirs();
    });

    test('till.status: sandbox, can sign, the configured currency and store, the main clock', async () => {
      const status = await cashier.ok('till.status', {});
      assert.equal(status.sandbox, true);
      assert.equal(status.canSign, true);
      assert.equal(status.currency, 'USD');
      assert.equal(status.storeName, 'Sandbox Store #1');
      assert.equal(status.connectivity.state, 'online');
      assert.deepEqual(status.deviceProblems, []);
      assert.equal(status.supervisor, false);
      assert.ok(Math.abs(status.now - Date.now()) < 5_000);
    });

    test('order.create answers AWAITING_PAYMENT with the QR; paying it reaches every screen as events', async () => {
      const order = await cashier.ok('order.create', { amountMinor: 239, title: 'Coffee', items: [{ name: 'Latte', quantity: 1, unitPriceMinor: 239 }], cartId: 'cart-paid' });
      assert.equal(order.state, 'AWAITING_PAYMENT');
      assert.ok(order.qrCode?.startsWith(services.sandboxUrl!), order.qrCode ?? 'no QR');
      assert.ok(order.payDeadline !== null && order.payDeadline > Date.now());
      assert.deepEqual(order.items, [{ name: 'Latte', quantity: 1, unitPriceMinor: 239 }]);
      await customer.waitForEvent('AWAITING_PAYMENT', orderEvent(order.id, 'AWAITING_PAYMENT'));

      await payQr(order.qrCode!);
      const [onTill, onCustomer] = await Promise.all([cashier.waitForEvent('PAID', orderEvent(order.id, 'PAID')), customer.waitForEvent('PAID', orderEvent(order.id, 'PAID'))]);
      assert.deepEqual(onTill.order, onCustomer.order);
      assert.equal(onTill.order.qrCode, null, 'a paid order shows no QR');
      paid = await cashier.ok('order.get', { orderId: order.id });
      assert.equal(paid.state, 'PAID');
    });

    test('the same cartId twice (a double click) makes one order', async () => {
      const [first, second] = await Promise.all([
        cashier.ok('order.create', { amountMinor: 500, cartId: 'cart-double' }),
        cashier.ok('order.create', { amountMinor: 500, cartId: 'cart-double' }),
      ]);
      assert.equal(first.id, second.id);
      const again = await cashier.ok('order.create', { amountMinor: 999, cartId: 'cart-double' });
      assert.equal(again.id, first.id);
      assert.equal(again.amountMinor, 500);
      const recent = await cashier.ok('orders.recent', {});
      assert.deepEqual(recent.map((o) => o.id), [first.id, paid.id], 'newest first, one order per cart');
      assert.equal(recent[0]!.title, 'Sandbox Store #1', 'no title: the store name');

      const cancelling = await cashier.ok('order.cancel', { orderId: first.id });
      assert.equal(cancelling.cancelRequested, true);
      const event = await customer.waitForEvent('CANCELLED', orderEvent(first.id, 'CANCELLED'));
      cancelled = event.order;
      await cashier.fails('order.cancel', { orderId: first.id }, 'ORDER_FINAL', 'order');
    });

    test('a refund: the supervisor asks, the engine settles it, the screens hear the refund and the order', async () => {
      await cashier.fails('order.refund', { orderId: paid.id, amountMinor: 100, refundKey: 'cold-1' }, 'SUPERVISOR_REQUIRED');
      await supervisor.ok('supervisor.login', { pin: PIN });
      // A double click: two calls with the form's one key, at once.
      const [refund, twice] = await Promise.all([
        supervisor.ok('order.refund', { orderId: paid.id, amountMinor: 100, reason: 'cold coffee', refundKey: 'cold-1' }),
        supervisor.ok('order.refund', { orderId: paid.id, amountMinor: 100, reason: 'cold coffee', refundKey: 'cold-1' }),
      ]);
      assert.equal(twice.id, refund.id, 'one refund');
      assert.equal(refund.amountMinor, 100);
      assert.equal(refund.reason, 'cold coffee');
      const settled = await cashier.waitForEvent('refund settled', (e): e is Extract<TillEvent, { type: 'refund' }> => e.type === 'refund' && e.refund.id === refund.id && e.refund.state === 'SUCCEEDED');
      assert.equal((settled.refund as RefundView).reason, 'cold coffee');
      await cashier.waitForEvent('order refunded 100', (e) => e.type === 'order' && e.order.id === paid.id && e.order.refundedMinor === 100);
      // The same key again, later: still that refund; the key for another amount: refused, naming it.
      assert.equal((await supervisor.ok('order.refund', { orderId: paid.id, amountMinor: 100, refundKey: 'cold-1' })).id, refund.id);
      await supervisor.fails('order.refund', { orderId: paid.id, amountMinor: 50, refundKey: 'cold-1' }, 'REFUND_KEY_REUSED', 'refundKey');
      await supervisor.fails('order.refund', { orderId: paid.id, amountMinor: 200, refundKey: 'cold-2' }, 'REFUND_TOO_LARGE', 'amount');
    });

    test('order history and search: events, attempts and refunds, no frozen body and no raw answer', async () => {
      const history = await supervisor.ok('order.history', { orderId: paid.id });
      const kinds = history.events.map((e) => e.kind);
      for (const kind of ['created', 'sending', 'qr_ready', 'paid', 'refund_requested', 'refund_succeeded']) assert.ok(kinds.includes(kind), `${kind} in ${kinds.join(', ')}`);
      assert.deepEqual([...new Set(history.attempts.map((a) => a.api))].sort(), ['payQuery', 'preCreate', 'refund']);
      assert.equal(history.refunds.length, 1);
      const text = JSON.stringify(history);
      for (const inner of ['OFFLINE_PAY', 'productCode', 'rawResponse', 'bodyText', 'signature']) assert.ok(!text.includes(inner), `history holds ${inner}`);
      const found = await supervisor.ok('orders.search', { tail: paid.merchantTransId.slice(-4) });
      assert.deepEqual(found.map((o) => o.id), [paid.id]);
    });

    test('the day: reconciliation, CSV, close, and a second close refused', async () => {
      const report = await supervisor.ok('day.reconcile', {});
      assert.equal(report.day, paid.businessDay);
      assert.equal(report.orderCount, 2);
      const usd = report.currencies.find((c) => c.currency === 'USD')!;
      assert.deepEqual([usd.paid, usd.refunded, usd.netMinor, usd.cancelled, usd.unresolved], [{ count: 1, amountMinor: 239 }, { count: 1, amountMinor: 100 }, 139, { count: 1, amountMinor: 500 }, { count: 0, amountMinor: 0 }]);
      assert.deepEqual(report.exceptions, []);

      const csv = await supervisor.ok('day.csv', {});
      assert.equal(csv.filename, `orders-${report.day}.csv`);
      const lines = csv.text.trimEnd().split('\r\n');
      assert.equal(lines.length, 3);
      assert.match(lines[0]!, /^business_day,merchant_trans_id,/);
      assert.ok(lines.some((l) => l.includes(paid.merchantTransId) && l.includes(',PAID,USD,239,2.39,100,')));
      assert.ok(lines.some((l) => l.includes(cancelled.merchantTransId) && l.includes(',CANCELLED,')));

      const closed = await supervisor.ok('day.close', { day: report.day });
      assert.equal(closed.closed, true);
      assert.equal(closed.orderCount, 2);
      await supervisor.fails('day.close', { day: report.day }, 'DAY_CLOSED');
      // A sale after the close lands on the next business day.
      const next = await cashier.ok('order.create', { amountMinor: 100, cartId: 'after-close' });
      assert.ok(next.businessDay > report.day);
      await cashier.ok('order.cancel', { orderId: next.id });
    });

    test('a burst of charges: each answers with its own QR, and no listener piles up on the engine', async () => {
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.name);
      process.on('warning', onWarning);
      const before = services.till.engine().listenerCount('order');
      try {
        const orders = await Promise.all(Array.from({ length: 15 }, (_, i) => cashier.ok('order.create', { amountMinor: 10 + i, cartId: `burst-${i}` })));
        assert.deepEqual(new Set(orders.map((o) => o.state)), new Set(['AWAITING_PAYMENT']));
        assert.equal(new Set(orders.map((o) => o.qrCode)).size, 15);
        assert.equal(services.till.engine().listenerCount('order'), before);
        await Promise.all(orders.map((o) => cashier.ok('order.cancel', { orderId: o.id })));
        await Promise.all(orders.map((o) => cashier.waitForEvent('CANCELLED', orderEvent(o.id, 'CANCELLED'))));
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings, []);
    });

    test('settings: a bad value names its key and saves nothing; a good one tells every screen', async () => {
      const before = await supervisor.ok('settings.list', {});
      await supervisor.fails('settings.set', { values: { 'store.name': 'Corner Shop', 'payment.windowSeconds': '5' } }, 'CONFIG_INVALID', 'payment.windowSeconds');
      assert.deepEqual(await supervisor.ok('settings.list', {}), before);
      const statusEvents = customer.events.filter((e) => e.type === 'status').length;
      const after = await supervisor.ok('settings.set', { values: { 'store.name': 'Corner Shop', 'ui.kiosk': 'true' } });
      assert.equal(after.find((s) => s.key === 'store.name')?.value, 'Corner Shop');
      assert.equal(after.find((s) => s.key === 'ui.customerWindow')?.value, 'auto');
      assert.equal(after.find((s) => s.key === 'gateway.caFile')?.value, null);
      await customer.waitForEvent('status', () => customer.events.filter((e) => e.type === 'status').length > statusEvents);
      assert.equal((await customer.ok('till.status', {})).storeName, 'Corner Shop');
      assert.equal(services.till.config()['ui.kiosk'], true);
    });

    test('keys: status and the public key, never the private one; generating again needs replace', async () => {
      const status = await supervisor.ok('keys.status', {});
      assert.deepEqual([status.merchantKeyPresent, status.merchantKeyValid, status.merchantKeyPairConsistent, status.sandbox, status.supervisorPinSet], [true, true, true, true, true]);
      const pub = await supervisor.ok('keys.publicKey', {});
      assert.match(pub.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
      assert.equal(pub.fingerprint, status.merchantFingerprint);
      // Sandbox: answers are verified with the gateway's own key, and that is what is shown.
      const gatewayPem = (await services.till.vault.getSandboxGatewayPublicKey()).export({ type: 'spki', format: 'pem' }) as string;
      assert.deepEqual([status.alipayKeyPresent, status.alipayKeyValid, status.alipayFingerprint, status.alipayKeyIsMerchantKey], [true, true, fingerprint(gatewayPem), false]);
      await supervisor.fails('keys.generate', {}, 'KEY_EXISTS', 'merchantPrivateKey');
    });

    test('a first merchant key made on the screen reaches the embedded sandbox: the next sale still gets its QR', async () => {
      // As on a till being installed, where the screen may make the first key (replacing
      // one is the terminal's: cli-trust.test.ts).
      await createKeychain(services.till.profile.id).delete(SECRET_ACCOUNTS.merchantPrivateKey);
      services.till.vault.forget();
      await supervisor.fails('keys.generate', { replace: true }, 'KEYS_TERMINAL_ONLY');
      const fresh = await supervisor.ok('keys.generate', {});
      const before = (await supervisor.ok('keys.status', {})).merchantFingerprint;
      assert.equal(fresh.fingerprint, before);
      const order = await cashier.ok('order.create', { amountMinor: 150, cartId: 'after-new-key' });
      assert.equal(order.state, 'AWAITING_PAYMENT', JSON.stringify(order));
      await cashier.ok('order.cancel', { orderId: order.id });
      await cashier.waitForEvent('CANCELLED', orderEvent(order.id, 'CANCELLED'));
    });

    test('devices: none configured, then a disabled printer saved, listed, tested and removed', async () => {
      const empty = await supervisor.ok('devices.list', {});
      assert.deepEqual(empty.devices, []);
      assert.ok(empty.printerProfiles.includes('generic'));
      assert.deepEqual(empty.displayProtocols, ['epson', 'cd5220']);
      const saved = await supervisor.ok('devices.save', { device: { name: 'printer1', role: 'printer', path: '/dev/ttyTILLTEST', enabled: false } });
      assert.deepEqual([saved.state, saved.code, saved.baud, saved.profile], ['offline', 'DEVICE_DISABLED', 9600, 'generic']);
      const event = await customer.waitForEvent('devices', (e): e is Extract<TillEvent, { type: 'devices' }> => e.type === 'devices');
      assert.deepEqual(event.devices.map((d) => d.name), ['printer1']);
      const updated = await supervisor.ok('devices.save', { device: { name: 'printer1', role: 'printer', path: '/dev/ttyTILLTEST', baud: 19200, enabled: false } });
      assert.equal(updated.baud, 19200);
      assert.deepEqual((await supervisor.ok('devices.list', {})).devices.map((d) => [d.name, d.baud]), [['printer1', 19200]]);
      const tested = await supervisor.ok('devices.test', { name: 'printer1' });
      assert.equal(tested.ok, false);
      assert.match(tested.message ?? '', /DEVICE_DISABLED/);
      await cashier.fails('order.reprint', { orderId: paid.id }, 'NO_PRINTER');
      assert.deepEqual(await supervisor.ok('devices.remove', { name: 'printer1' }), { removed: true });
      assert.deepEqual(await supervisor.ok('devices.remove', { name: 'printer1' }), { removed: false });
    });

    test('no reply, event or log line holds key material, the PIN, or a frozen body', async () => {
      for (const { what, text } of transcript) assert.ok(!text.includes('OFFLINE_PAY'), `${what} holds a frozen body`);
      await assertNothingSecretLeaked(dataDir, [PIN]);
    });
  });
}
