// startTillServices on a fresh data directory, as `npm start` runs it: a merchant key is
// generated, the built-in sandbox answers on gateway.baseUrl, the engine recovers what was
// left unresolved, and close() stops it all (the port is free again). With a gateway
// already answering, or 'never', or a live profile, no sandbox is started (and no key is
// made on a live profile). Real keychain, real SQLite, real sandbox.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, describe, test } from 'node:test';
import { openTillDatabase } from '../../main/config/data-dir';
import { Journal } from '../../main/journal/journal';
import { insideKeyringSession, removeTempDirs } from '../support/cli-runner';
import { freshDataDir, screen, startServices } from './ipc-kit';

function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

if (insideKeyringSession(__filename, 'till services tests')) {
  describe('till services', () => {
    after(() => removeTempDirs());

    test('a fresh sandbox profile: a generated key, the built-in sandbox on gateway.baseUrl, a sale gets its QR; close() frees it all', async () => {
      const dataDir = await freshDataDir();
      const services = await startServices(dataDir);
      const baseUrl = services.till.config()['gateway.baseUrl'];
      try {
        assert.equal(services.sandboxUrl, baseUrl);
        assert.equal(await answers(baseUrl), true);
        const till = screen(services, 'till');
        const status = await till.ok('till.status', {});
        assert.deepEqual([status.sandbox, status.canSign], [true, true]);
        const order = await till.ok('order.create', { amountMinor: 120, cartId: 'services-1' });
        assert.equal(order.state, 'AWAITING_PAYMENT');
        assert.ok(order.qrCode?.startsWith(baseUrl));
      } finally {
        await services.close();
        await services.close();
      }
      assert.equal(await answers(baseUrl), false, 'the sandbox is stopped');
      assert.throws(() => services.till.db.prepare('SELECT 1'), 'the database is closed');
      assert.throws(() => services.router.connect({ host: 'test', label: 'late' }), /shutting down/);
    });

    test('a restart picks up the unresolved order where it was left (recovery), with the same key', async () => {
      const dataDir = await freshDataDir();
      const first = await startServices(dataDir);
      const fingerprint = (await first.till.vault.status()).merchantPrivateKey.fingerprint;
      const order = await screen(first, 'till').ok('order.create', { amountMinor: 300, cartId: 'recovered' });
      assert.equal(order.state, 'AWAITING_PAYMENT');
      await first.close();
      // The sandbox went away with the first run: the order cannot be paid, only resolved.
      const second = await startServices(dataDir);
      try {
        assert.equal((await second.till.vault.status()).merchantPrivateKey.fingerprint, fingerprint, 'no second key');
        const till = screen(second, 'till');
        await till.ok('order.cancel', { orderId: order.id });
        // The new sandbox never heard of the order, and answers so (F ORDER_NOT_EXIST) to a
        // cancel signed with the same key. An order that had a QR is never closed on a
        // "not found": it stays CANCELLING and, after a few tries, asks a supervisor.
        const journal = second.till.journal;
        const deadline = Date.now() + 15_000;
        while (!journal.attempts(order.id).some((a) => a.api === 'payCancel' && a.resultCode === 'ORDER_NOT_EXIST')) {
          assert.ok(Date.now() < deadline, `no payCancel answered ORDER_NOT_EXIST: ${JSON.stringify(journal.attempts(order.id).map((a) => [a.api, a.outcome, a.resultCode]))}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(journal.getOrder(order.id)?.state, 'CANCELLING');
      } finally {
        await second.close();
      }
    });

    test('something already answers at gateway.baseUrl, or embeddedSandbox is never: no sandbox is started', async () => {
      const dataDir = await freshDataDir();
      const first = await startServices(dataDir);
      try {
        const second = await startServices(await freshDataDir({ 'gateway.baseUrl': first.sandboxUrl! }));
        assert.equal(second.sandboxUrl, null);
        await second.close();
        const never = await startServices(await freshDataDir(), { embeddedSandbox: 'never' });
        assert.equal(never.sandboxUrl, null);
        assert.equal(await answers(never.till.config()['gateway.baseUrl']), false);
        await never.close();
      } finally {
        await first.close();
      }
    });

    test('a live profile: no key is generated and no sandbox started; the till still opens', async () => {
      const dataDir = await freshDataDir({ 'profile.mode': 'live', 'gateway.baseUrl': 'https://gateway.invalid' });
      const services = await startServices(dataDir);
      try {
        assert.equal(services.sandboxUrl, null);
        const status = await screen(services, 'till').ok('till.status', {});
        assert.deepEqual([status.sandbox, status.canSign], [false, false]);
        assert.equal((await services.till.vault.status()).merchantPrivateKey.present, false);
      } finally {
        await services.close();
      }
      const db = openTillDatabase(dataDir, { readonly: true });
      assert.equal(new Journal(db).countUnresolved(), 0);
      db.close();
    });
  });
}
