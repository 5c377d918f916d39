// The customer window follows the second display: opened on it, closed when it goes away.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { followCustomerDisplay, pickCustomerDisplay, type DisplayLike } from '../../main/electron/customer-display';

const PRIMARY: DisplayLike = { id: 1, bounds: { x: 0, y: 0, width: 1024, height: 768 } };
const SIDE: DisplayLike = { id: 2, bounds: { x: 1024, y: 0, width: 1280, height: 800 } };
const THIRD: DisplayLike = { id: 3, bounds: { x: 2304, y: 0, width: 800, height: 480 } };

class FakeScreen extends EventEmitter {
  constructor(
    public displays: DisplayLike[],
    public primaryId = PRIMARY.id,
  ) {
    super();
  }
  getAllDisplays(): DisplayLike[] {
    return this.displays;
  }
  getPrimaryDisplay(): DisplayLike {
    const primary = this.displays.find((d) => d.id === this.primaryId);
    assert.ok(primary);
    return primary;
  }
  plug(display: DisplayLike): void {
    this.displays = [...this.displays, display];
    this.emit('display-added', {}, display);
  }
  unplug(display: DisplayLike): void {
    this.displays = this.displays.filter((d) => d.id !== display.id);
    this.emit('display-removed', {}, display);
  }
}

class FakeWindow extends EventEmitter {
  destroyed = false;
  constructor(readonly display: DisplayLike) {
    super();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

function follow(screen: FakeScreen) {
  const opened: FakeWindow[] = [];
  const follower = followCustomerDisplay({
    screen,
    open: (display) => {
      const window = new FakeWindow(display);
      opened.push(window);
      return window;
    },
  });
  const open = (): FakeWindow[] => opened.filter((w) => !w.destroyed);
  return { follower, opened, open };
}

describe('pickCustomerDisplay', () => {
  test('picks the display that is not the primary one', () => {
    assert.equal(pickCustomerDisplay([PRIMARY, SIDE], PRIMARY.id), SIDE);
    assert.equal(pickCustomerDisplay([SIDE, PRIMARY], PRIMARY.id), SIDE);
    assert.equal(pickCustomerDisplay([SIDE, PRIMARY], SIDE.id), PRIMARY);
    assert.equal(pickCustomerDisplay([PRIMARY, SIDE, THIRD], PRIMARY.id), SIDE);
  });

  test('is null with one display', () => {
    assert.equal(pickCustomerDisplay([PRIMARY], PRIMARY.id), null);
    assert.equal(pickCustomerDisplay([], PRIMARY.id), null);
  });
});

describe('followCustomerDisplay', () => {
  test('opens the customer window on the second display at start', () => {
    const { open } = follow(new FakeScreen([PRIMARY, SIDE]));
    assert.deepEqual(open().map((w) => w.display.id), [SIDE.id]);
  });

  test('opens nothing with one display, then opens when one is plugged in', () => {
    const screen = new FakeScreen([PRIMARY]);
    const { open } = follow(screen);
    assert.deepEqual(open(), []);
    screen.plug(SIDE);
    assert.deepEqual(open().map((w) => w.display.id), [SIDE.id]);
    screen.plug(THIRD);
    assert.deepEqual(open().map((w) => w.display.id), [SIDE.id], 'one customer window, still on the first side display');
  });

  test('closes the window when its display goes away, and moves to another side display if there is one', () => {
    const screen = new FakeScreen([PRIMARY, SIDE, THIRD]);
    const { open, opened } = follow(screen);
    screen.unplug(SIDE);
    assert.equal(opened[0]?.destroyed, true);
    assert.deepEqual(open().map((w) => w.display.id), [THIRD.id]);
    screen.unplug(THIRD);
    assert.deepEqual(open(), []);
  });

  test('a window closed by someone else is reopened on the next display change', () => {
    const screen = new FakeScreen([PRIMARY, SIDE]);
    const { open, opened } = follow(screen);
    opened[0]?.close();
    assert.deepEqual(open(), []);
    screen.plug(THIRD);
    assert.deepEqual(open().map((w) => w.display.id), [SIDE.id]);
  });

  test('close stops following and closes the window', () => {
    const screen = new FakeScreen([PRIMARY, SIDE]);
    const { follower, open } = follow(screen);
    follower.close();
    assert.deepEqual(open(), []);
    assert.equal(screen.listenerCount('display-added') + screen.listenerCount('display-removed'), 0);
    screen.plug(THIRD);
    assert.deepEqual(open(), []);
  });
});
