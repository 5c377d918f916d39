// The payment window on screen (renderer/src/order/countdown.ts) runs on the main process
// clock: a screen whose clock is off by minutes still shows the right time left.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clockOffset, formatCountdown, remainingMs } from '../../renderer/src/order/countdown';

describe('countdown', () => {
  test('the offset takes the server time as the middle of the round trip', () => {
    assert.equal(clockOffset(10_000, 1_000, 1_200), 8_900);
    assert.equal(clockOffset(1_100, 1_000, 1_200), 0);
  });

  test('a screen clock five minutes fast does not shorten the window', () => {
    const serverNow = 1_700_000_000_000;
    const skew = 5 * 60_000;
    const sentAt = serverNow + skew - 10;
    const offset = clockOffset(serverNow, sentAt, sentAt + 20);
    const deadline = serverNow + 120_000;
    assert.equal(remainingMs(deadline, serverNow + skew, offset), 120_000);
    assert.equal(remainingMs(deadline, serverNow + skew + 30_000, offset), 90_000);
  });

  test('never below zero', () => {
    assert.equal(remainingMs(1_000, 5_000, 0), 0);
  });

  test('m:ss, rounded up so 0:00 means the window has closed', () => {
    assert.equal(formatCountdown(125_000), '2:05');
    assert.equal(formatCountdown(119_001), '2:00');
    assert.equal(formatCountdown(1), '0:01');
    assert.equal(formatCountdown(0), '0:00');
    assert.equal(formatCountdown(-50), '0:00');
    assert.equal(formatCountdown(3_600_000), '60:00');
  });
});
