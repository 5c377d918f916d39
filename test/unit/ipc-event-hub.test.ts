// The router's fan-out: every listener gets every event, frozen; one that throws or
// rejects is logged and skipped, and the others still hear the event.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TillEvent } from '../../preload/contract';
import { EventHub } from '../../main/ipc/event-hub';

const alarm: TillEvent = { type: 'alarm', alarm: { id: 1, orderId: null, kind: 'CONFIG', message: 'keys wrong', raisedAt: 1, clearedAt: null } };

describe('event hub', () => {
  test('a listener that throws or rejects does not keep the event from the others', async () => {
    const logged: string[] = [];
    const hub = new EventHub((line) => logged.push(line));
    const heard: string[] = [];
    hub.subscribe(() => heard.push('first'), 'screen A');
    hub.subscribe(() => {
      throw new Error('broken screen');
    }, 'screen B');
    hub.subscribe((() => Promise.reject(new Error('async broken'))) as () => void, 'screen C');
    hub.subscribe(() => heard.push('last'), 'screen D');
    hub.emit(alarm);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(heard, ['first', 'last']);
    assert.equal(logged.length, 2);
    assert.match(logged[0]!, /alarm event listener of screen B failed: broken screen/);
    assert.match(logged[1]!, /screen C failed: async broken/);
  });

  test('events are frozen, so one listener cannot change what the next one sees', () => {
    const hub = new EventHub(() => undefined);
    const seen: string[] = [];
    hub.subscribe((event) => {
      assert.throws(() => {
        (event as { alarm: { message: string } }).alarm.message = 'changed';
      }, TypeError);
    }, 'A');
    hub.subscribe((event) => seen.push((event as { alarm: { message: string } }).alarm.message), 'B');
    hub.emit(structuredClone(alarm));
    assert.deepEqual(seen, ['keys wrong']);
  });

  test('unsubscribing stops the events, and only for that listener', () => {
    const hub = new EventHub(() => undefined);
    let a = 0;
    let b = 0;
    const offA = hub.subscribe(() => a++, 'A');
    hub.subscribe(() => b++, 'B');
    hub.emit({ type: 'status' });
    offA();
    offA();
    hub.emit({ type: 'status' });
    assert.deepEqual([a, b, hub.size], [1, 2, 1]);
  });
});
