// Settling by hand from a screen (issue 10 §2): behind the supervisor PIN, only for an
// unresolved order, and recorded with the screen it came from. Real till, real keychain
// (inside keyring-session.sh), the embedded sandbox over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TillServices } from '../../main/runtime/till-services';
import { insideKeyringSession, removeTempDirs } from '../support/cli-runner';
import { freshDataDir, screen, startServices, type Screen, setFirstPin } from './ipc-kit';

const PIN = '0736194852';

if (insideKeyringSession(__filename, 'router settle tests')) {
  describe('router: order.settle', () => {
    let services: TillServices;
    let cashier: Screen;
    let supervisor: Screen;

    before(async () => {
      services = await startServices(await freshDataDir());
      cashier = screen(services, 'cashier screen');
      supervisor = screen(services, 'supervisor screen');
      await setFirstPin(services, supervisor, PIN);
    });
    after(async () => {
      await services?.close();
      removeTempDirs();
    });

    test('the cashier cannot; the supervisor settles an unresolved order once, with the reason in its history', async () => {
      const order = await cashier.ok('order.create', { amountMinor: 450, cartId: 'settle-1' });
      await cashier.fails('order.settle', { orderId: order.id, as: 'cancelled', reason: 'checked' }, 'SUPERVISOR_REQUIRED');
      await supervisor.ok('supervisor.login', { pin: PIN });
      await supervisor.fails('order.settle', { orderId: order.id, as: 'cancelled', reason: '' }, 'BAD_REQUEST', 'reason');
      const settled = await supervisor.ok('order.settle', { orderId: order.id, as: 'cancelled', reason: 'customer left; Alipay shows it unpaid' });
      assert.equal(settled.state, 'CANCELLED');
      const history = await supervisor.ok('order.history', { orderId: order.id });
      const event = history.events.find((e) => e.kind === 'settled_by_hand');
      assert.ok(event, history.events.map((e) => e.kind).join(', '));
      assert.match(JSON.stringify(event), /customer left; Alipay shows it unpaid/);
      assert.match(JSON.stringify(event), /supervisor screen/);
      await supervisor.fails('order.settle', { orderId: order.id, as: 'paid', reason: 'again' }, 'ORDER_FINAL', 'order');
      const report = await supervisor.ok('day.reconcile', {});
      assert.ok(report.exceptions.some((e) => e.orderId === order.id && e.code === 'SETTLED_BY_HAND'));
    });
  });
}
