// The physical keyboard on the till and the PIN pad (renderer/src/till/keyboard.ts,
// renderer/src/supervisor/pin-entry.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidPin, PIN_MAX_DIGITS } from '../../preload/contract';
import { isPinComplete, lockedUntil, pressPinKey } from '../../renderer/src/supervisor/pin-entry';
import { keyCommand } from '../../renderer/src/till/keyboard';

describe('till keys', () => {
  test('entering an amount: digits, Backspace, Escape clears, Enter charges', () => {
    assert.deepEqual(keyCommand('7', 'entry'), { type: 'entry', key: '7' });
    assert.deepEqual(keyCommand('Backspace', 'entry'), { type: 'entry', key: 'backspace' });
    assert.deepEqual(keyCommand('Escape', 'entry'), { type: 'entry', key: 'clear' });
    assert.deepEqual(keyCommand('Enter', 'entry'), { type: 'charge' });
    assert.equal(keyCommand('a', 'entry'), null);
    assert.equal(keyCommand('F5', 'entry'), null, 'keys the till does not use stay with the browser');
  });

  test('while paying: Escape cancels a live order; once it is over, Escape or Enter start a new sale', () => {
    assert.deepEqual(keyCommand('Escape', 'payment', { canCancel: true, canLeave: false }), { type: 'cancel' });
    assert.equal(keyCommand('Enter', 'payment', { canCancel: true, canLeave: false }), null, 'Enter never cancels');
    assert.deepEqual(keyCommand('Escape', 'payment', { canCancel: false, canLeave: true }), { type: 'new-sale' });
    assert.deepEqual(keyCommand('Enter', 'payment', { canCancel: false, canLeave: true }), { type: 'new-sale' });
    assert.equal(keyCommand('Escape', 'payment', { canCancel: false, canLeave: false }), null);
    assert.equal(keyCommand('5', 'payment', { canCancel: true, canLeave: true }), null, 'no amount entry while paying');
  });
});

describe('PIN entry', () => {
  test('digits only, up to the router limit', () => {
    let pin = '';
    for (const key of ['1', 'x', '2', 'Enter', '3', '4']) pin = pressPinKey(pin, key);
    assert.equal(pin, '1234');
    assert.equal(pressPinKey('1234', 'backspace'), '123');
    assert.equal(pressPinKey('1234', 'clear'), '');
    const full = '9'.repeat(PIN_MAX_DIGITS);
    assert.equal(pressPinKey(full, '1'), full);
  });

  test('complete exactly when the router would take it', () => {
    for (const pin of ['', '123', '1234', '123456789012', '1234567890123', '12a4']) {
      assert.equal(isPinComplete(pin), isValidPin(pin), pin);
    }
  });

  test('a lockout ends retryAfterMs from now; nonsense means no lockout', () => {
    assert.equal(lockedUntil(30_000, 1_000), 31_000);
    assert.equal(lockedUntil(undefined, 1_000), null);
    assert.equal(lockedUntil(-5, 1_000), null);
    assert.equal(lockedUntil(Number.NaN, 1_000), null);
  });
});
