// Permissions, navigation, new windows and <webview> (docs/protocol.md §8): the real handlers the
// host installs, called as Electron would call them.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../main/electron/content-security-policy';
import { installSessionSecurity } from '../../main/electron/session-security';
import { guardEveryWebContents, installWebContentsGuards } from '../../main/electron/web-contents-guards';
import { FakeSession, FakeWebContents, preventable } from './electron-fakes';

const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'serial', 'hid', 'usb', 'openExternal', 'fullscreen', 'unknown'];

function navigate(contents: FakeWebContents, event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', url: string): boolean {
  const details = preventable({ url });
  contents.emit(event, details, url);
  return details.defaultPrevented;
}

describe('session security', () => {
  test('every permission request is answered no', () => {
    const session = new FakeSession();
    installSessionSecurity(session);
    for (const permission of PERMISSIONS) {
      const answers: boolean[] = [];
      session.permissionRequestHandler?.(new FakeWebContents(1), permission, (granted) => answers.push(granted));
      assert.deepEqual(answers, [false], permission);
    }
  });

  test('every permission check and device permission is answered no', () => {
    const session = new FakeSession();
    installSessionSecurity(session);
    for (const permission of PERMISSIONS) assert.equal(session.permissionCheckHandler?.(null, permission), false, permission);
    assert.equal(session.devicePermissionHandler?.({ deviceType: 'serial', origin: 'app://till' }), false);
  });

  test('every response gets our CSP in place of its own', () => {
    const session = new FakeSession();
    installSessionSecurity(session);
    const responses: Array<{ responseHeaders?: Record<string, string[]> }> = [];
    session.headersListener?.({ responseHeaders: { 'Content-Security-Policy': ['default-src *'], 'Content-Type': ['text/html'] } }, (r) => responses.push(r));
    session.headersListener?.({}, (r) => responses.push(r));
    assert.deepEqual(responses, [
      { responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } },
      { responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } },
    ]);
  });

  test('is installed once per session', () => {
    const session = new FakeSession();
    installSessionSecurity(session);
    installSessionSecurity(session);
    assert.equal(session.headersListenerInstalls, 1);
  });
});

describe('webContents guards', () => {
  test('navigation to another origin is prevented, in any frame and through redirects', () => {
    const contents = new FakeWebContents(1);
    installWebContentsGuards(contents);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) {
      for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://evil/index.html', 'http://127.0.0.1:8787/', 'about:blank', 'javascript:alert(1)']) {
        assert.equal(navigate(contents, event, url), true, `${event} ${url}`);
      }
    }
  });

  test('a reload or another page of app://till is allowed', () => {
    const contents = new FakeWebContents(1);
    installWebContentsGuards(contents);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) {
      for (const url of ['app://till/index.html', 'app://till/index.html#/customer', 'app://till/']) {
        assert.equal(navigate(contents, event, url), false, `${event} ${url}`);
      }
    }
  });

  test('new windows are denied, whatever the URL', () => {
    const contents = new FakeWebContents(1);
    installWebContentsGuards(contents);
    for (const url of ['https://example.com/', 'app://till/index.html', 'about:blank']) {
      assert.deepEqual(contents.windowOpenHandler?.({ url }), { action: 'deny' }, url);
    }
  });

  test('a <webview> is never attached', () => {
    const contents = new FakeWebContents(1);
    installWebContentsGuards(contents);
    const event = preventable({});
    contents.emit('will-attach-webview', event, { nodeIntegration: true }, { src: 'https://example.com/' });
    assert.equal(event.defaultPrevented, true);
  });

  test('web-contents-created guards every webContents and secures its session', () => {
    const app = new EventEmitter();
    guardEveryWebContents(app);
    const contents = new FakeWebContents(7);
    app.emit('web-contents-created', preventable({}), contents);
    assert.equal(navigate(contents, 'will-navigate', 'https://example.com/'), true);
    assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://example.com/' }), { action: 'deny' });
    const answers: boolean[] = [];
    contents.session.permissionRequestHandler?.(contents, 'media', (granted) => answers.push(granted));
    assert.deepEqual(answers, [false]);
  });
});

describe('the host opens nothing outside', () => {
  test('no file of main/electron or preload/electron reaches shell (openExternal, openPath)', () => {
    const root = path.resolve(__dirname, '..', '..');
    const files = ['main/electron', 'preload/electron'].flatMap((dir) =>
      fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts')).map((f) => path.join(root, dir, f)),
    );
    assert.ok(files.length > 5);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /import\s*(type\s*)?\{[^}]*\bshell\b[^}]*\}\s*from\s*'electron'/, `${path.relative(root, file)} imports shell`);
      assert.doesNotMatch(text, /\.(openExternal|openPath|showItemInFolder)\s*\(/, `${path.relative(root, file)} opens something outside`);
    }
  });
});
