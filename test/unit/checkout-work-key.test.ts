import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderWork, readWorkKey, refundWork, workBefore, type WorkKey } from '../../main/checkout/work-key';
import { WorkQueue } from '../../main/checkout/work-queue';

/** A queue of one slot whose first job holds it until release(): what runs next shows the queue's order. */
function oneSlotQueue(): { queue: WorkQueue; ran: WorkKey[]; release: () => void } {
  const ran: WorkKey[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const queue = new WorkQueue(1, async (key) => {
    ran.push(key);
    if (ran.length === 1) await gate;
  });
  return { queue, ran, release };
}

describe('the engine queue: an order and a refund never share a key', () => {
  test('order 3 and refund 3 are different work, read back as what they are', () => {
    assert.notEqual(orderWork(3), refundWork(3));
    assert.deepEqual(readWorkKey(orderWork(3)), { kind: 'order', id: 3 });
    assert.deepEqual(readWorkKey(refundWork(3)), { kind: 'refund', id: 3 });
  });

  test('refunds run before orders, each oldest first (12 after 9: ids compare as numbers, not text)', async () => {
    assert.ok(workBefore(refundWork(50), orderWork(1)));
    assert.ok(workBefore(orderWork(9), orderWork(12)));
    assert.ok(workBefore(refundWork(2), refundWork(10)));
    const { queue, ran, release } = oneSlotQueue();
    queue.request(orderWork(1)); // runs at once and holds the only slot
    for (const key of [orderWork(12), refundWork(10), orderWork(9), refundWork(2)]) queue.request(key);
    release();
    await queue.idle();
    assert.deepEqual(ran, [orderWork(1), refundWork(2), refundWork(10), orderWork(9), orderWork(12)]);
  });

  test("a new sale's first send (urgent) goes before the polls of older orders, then the usual order resumes", async () => {
    const { queue, ran, release } = oneSlotQueue();
    queue.request(orderWork(1));
    for (const key of [orderWork(2), orderWork(3), refundWork(4)]) queue.request(key);
    queue.request(orderWork(40), true);
    queue.request(orderWork(30), true);
    release();
    await queue.idle();
    assert.deepEqual(ran, [orderWork(1), orderWork(30), orderWork(40), refundWork(4), orderWork(2), orderWork(3)]);
  });

  test('a request while the same work runs makes it run once more, never twice at once', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const queue = new WorkQueue(4, async () => {
      running += 1;
      most = Math.max(most, running);
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    });
    queue.request(refundWork(1));
    queue.request(refundWork(1));
    queue.request(refundWork(1));
    await queue.idle();
    assert.equal(most, 1);
    assert.equal(runs, 2);
  });
});
