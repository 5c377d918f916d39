// Errors as the screens get them: a TillError as it is (code, message, field), a PIN lock
// with retryAfterMs, anything else as INTERNAL with a fixed message, its detail logged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PinLockedError, errorView } from '../../main/ipc/error-view';
import { TillError } from '../../main/errors';

describe('error view', () => {
  test('a TillError keeps its code, message and field, and nothing is logged', () => {
    const logged: string[] = [];
    const view = errorView(new TillError('REFUND_TOO_LARGE', 'too much', { field: 'amount', cause: new Error('inner') }), (l) => logged.push(l), 'x');
    assert.deepEqual(view, { code: 'REFUND_TOO_LARGE', message: 'too much', field: 'amount' });
    assert.deepEqual(errorView(new TillError('DAY_CLOSED', 'closed'), () => undefined, 'x'), { code: 'DAY_CLOSED', message: 'closed' });
    assert.equal(logged.length, 0);
  });

  test('a PIN lock says how long to wait', () => {
    const view = errorView(new PinLockedError(5 * 60_000), () => undefined, 'x');
    assert.deepEqual(view, { code: 'PIN_LOCKED', message: 'Too many wrong PINs: try again in 5 minutes.', field: 'pin', retryAfterMs: 300_000 });
    assert.match(errorView(new PinLockedError(1500), () => undefined, 'x').message, /in 2 seconds/);
  });

  test('anything else is INTERNAL with a message that tells nothing; the detail goes to the log', () => {
    const logged: string[] = [];
    const secretish = new Error('ENOENT /home/till/secret-path and internals');
    const view = errorView(secretish, (l) => logged.push(l), 'order.create from ws 127.0.0.1:5000');
    assert.equal(view.code, 'INTERNAL');
    assert.ok(!view.message.includes('ENOENT') && !view.message.includes('secret-path'));
    assert.equal(Object.keys(view).sort().join(), 'code,message');
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /^router: order\.create from ws 127\.0\.0\.1:5000 failed: Error: ENOENT/);
    assert.equal(errorView('a string', () => undefined, 'x').code, 'INTERNAL');
  });
});
