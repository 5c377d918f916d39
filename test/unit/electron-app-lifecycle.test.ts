// Start and stop of the Electron host: one instance, a clean quit, its settings and flags.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { getConfig, setConfigValues } from '../../main/config/settings-schema';
import { openTillDatabase } from '../../main/config/data-dir';
import { SettingsStore } from '../../main/config/settings-store';
import { dataDirFromArgv } from '../../main/electron/host-args';
import { hostPaths } from '../../main/electron/host-paths';
import { quitCleanly } from '../../main/electron/quit-cleanly';
import { bringToFront, claimSingleInstance } from '../../main/electron/single-instance';
import { uiSettingsOf } from '../../main/electron/ui-settings';
import { preventable } from './electron-fakes';

class FakeApp extends EventEmitter {
  quits = 0;
  constructor(private readonly lock = true) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.lock;
  }
  quit(): void {
    this.quits += 1;
  }
}

class FakeWindow {
  readonly calls: string[] = [];
  constructor(
    private readonly minimized = false,
    private readonly destroyed = false,
  ) {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.calls.push('restore');
  }
  show(): void {
    this.calls.push('show');
  }
  focus(): void {
    this.calls.push('focus');
  }
}

describe('single instance', () => {
  test('without the lock the app quits and the caller is told to stop', () => {
    const app = new FakeApp(false);
    let focused = 0;
    assert.equal(
      claimSingleInstance(app, () => (focused += 1)),
      false,
    );
    assert.equal(app.quits, 1);
    assert.equal(app.listenerCount('second-instance'), 0);
    assert.equal(focused, 0);
  });

  test('with the lock a second launch brings the first window forward', () => {
    const app = new FakeApp(true);
    const window = new FakeWindow(true);
    assert.equal(
      claimSingleInstance(app, () => bringToFront(window)),
      true,
    );
    assert.equal(app.quits, 0);
    app.emit('second-instance', {}, ['electron', '.'], '/');
    assert.deepEqual(window.calls, ['restore', 'show', 'focus']);
  });

  test('bringToFront leaves a missing or destroyed window alone', () => {
    bringToFront(null);
    const gone = new FakeWindow(false, true);
    bringToFront(gone);
    assert.deepEqual(gone.calls, []);
  });
});

describe('quitCleanly', () => {
  test('the last window closing quits the app', () => {
    const app = new FakeApp();
    quitCleanly(app, { close: async () => {}, onError: (error) => assert.fail(String(error)) });
    app.emit('window-all-closed');
    assert.equal(app.quits, 1);
  });

  test('quitting waits for the services to close, once, then quits for real', async () => {
    const app = new FakeApp();
    let release!: () => void;
    let closes = 0;
    quitCleanly(app, {
      close: () => {
        closes += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
      onError: (error) => assert.fail(String(error)),
    });
    const first = preventable({});
    app.emit('before-quit', first);
    const second = preventable({});
    app.emit('before-quit', second);
    assert.equal(first.defaultPrevented, true, 'the quit waits for the services');
    assert.equal(second.defaultPrevented, true, 'a second request while closing waits too');
    assert.equal(closes, 1);
    assert.equal(app.quits, 0);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(app.quits, 1);
    const final = preventable({});
    app.emit('before-quit', final);
    assert.equal(final.defaultPrevented, false, 'once closed the quit goes through');
    assert.equal(closes, 1);
  });

  test('a failure to close is reported and the app still quits', async () => {
    const app = new FakeApp();
    const errors: unknown[] = [];
    quitCleanly(app, { close: async () => Promise.reject(new Error('journal busy')), onError: (e) => errors.push(e) });
    app.emit('before-quit', preventable({}));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(errors.length, 1);
    assert.equal(app.quits, 1);
  });
});

describe('host settings and flags', () => {
  test('ui settings come from the till settings: a window (not kiosk) and a customer display when one is connected by default', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-ui-settings-'));
    const db = openTillDatabase(dir);
    try {
      const settings = new SettingsStore(db);
      assert.deepEqual(uiSettingsOf(getConfig(settings)), { kiosk: false, customerWindow: 'auto' });
      setConfigValues(settings, { 'ui.kiosk': 'true', 'ui.customerWindow': 'off' });
      assert.deepEqual(uiSettingsOf(getConfig(settings)), { kiosk: true, customerWindow: 'off' });
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--data-dir is read from Electron’s argv in both spellings', () => {
    assert.equal(dataDirFromArgv(['/usr/bin/electron', '/repo', '--data-dir', '/srv/till']), '/srv/till');
    assert.equal(dataDirFromArgv(['/opt/Alipay Till/alipay-till', '--data-dir=/srv/till']), '/srv/till');
    assert.equal(dataDirFromArgv(['/usr/bin/electron', '/repo', '--no-sandbox']), undefined);
    assert.equal(dataDirFromArgv(['/usr/bin/electron', '/repo', '--data-dir']), '', 'a missing value is refused by resolveDataDir, not ignored');
  });

  test('the compiled host finds the renderer build and the bundled preload under dist/', () => {
    assert.deepEqual(hostPaths('/opt/till/dist/main/electron'), {
      rendererDir: path.join('/opt/till/dist/renderer'),
      preload: path.join('/opt/till/dist/preload/preload.js'),
    });
  });
});
