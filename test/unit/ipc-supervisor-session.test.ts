// A supervisor session ends after 10 idle minutes; each supervisor call starts the idle
// time again; logout ends it at once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SESSION_IDLE_MS, SupervisorSession } from '../../main/ipc/supervisor-session';

describe('supervisor session', () => {
  test('idle for 10 minutes → ended; a call in between keeps it', () => {
    let now = 1_000_000;
    const session = new SupervisorSession(() => now);
    assert.equal(SESSION_IDLE_MS, 10 * 60_000);
    assert.equal(session.active(), false);
    assert.equal(session.start(), now + SESSION_IDLE_MS);
    now += SESSION_IDLE_MS - 1;
    assert.equal(session.active(), true);
    session.touch();
    now += SESSION_IDLE_MS - 1;
    assert.equal(session.active(), true);
    now += 1;
    assert.equal(session.active(), false);
    session.touch();
    assert.equal(session.active(), false, 'touching an ended session does not revive it');
  });

  test('end() logs out at once', () => {
    const session = new SupervisorSession(() => 0, 1000);
    session.start();
    session.end();
    assert.equal(session.active(), false);
  });
});
