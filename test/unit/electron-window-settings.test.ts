// The settings every window of the Electron host gets (docs/protocol.md §8), asserted without Electron.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APP_SCHEME_PRIVILEGES, CUSTOMER_PAGE_URL, isAppUrl, TILL_PAGE_URL } from '../../main/electron/app-origin';
import { CONTENT_SECURITY_POLICY, withContentSecurityPolicy } from '../../main/electron/content-security-policy';
import { secureWebPreferences } from '../../main/electron/web-preferences';
import { customerWindowOptions, tillWindowOptions } from '../../main/electron/window-options';

const PRELOAD = '/opt/till/dist/preload/preload.js';

describe('webPreferences', () => {
  test('isolate and sandbox the page, with no Node anywhere and the bundled preload as the only bridge', () => {
    assert.deepEqual(secureWebPreferences({ preload: PRELOAD, devTools: false }), {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: false,
    });
  });

  test('enable no Blink feature and carry no key beyond the checklist', () => {
    const prefs = secureWebPreferences({ preload: PRELOAD, devTools: true });
    assert.equal('enableBlinkFeatures' in prefs, false);
    assert.equal('additionalArguments' in prefs, false);
    assert.equal('partition' in prefs, false);
    assert.equal(prefs.devTools, true, 'developer tools only where the caller (an unpackaged app) asks');
  });
});

describe('Content-Security-Policy', () => {
  test('is the strict policy of the checklist', () => {
    assert.equal(
      CONTENT_SECURITY_POLICY,
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-(inline|eval)/);
  });

  test('replaces a policy a response brought, whatever the header spelling, and keeps the other headers', () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
      'Content-Type': ['text/html'],
    });
    assert.deepEqual(headers, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    assert.deepEqual(withContentSecurityPolicy(undefined), { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('the app:// origin', () => {
  test('is a standard, secure scheme with no other privilege', () => {
    assert.deepEqual(APP_SCHEME_PRIVILEGES, { scheme: 'app', privileges: { standard: true, secure: true } });
  });

  test('the windows load our pages from it', () => {
    assert.equal(TILL_PAGE_URL, 'app://till/index.html');
    assert.equal(CUSTOMER_PAGE_URL, 'app://till/index.html#/customer');
  });

  test('isAppUrl accepts only app://till', () => {
    for (const url of ['app://till/index.html', 'app://till/', 'app://till/index.html#/supervisor', 'APP://TILL/assets/a.js']) {
      assert.equal(isAppUrl(url), true, url);
    }
    for (const url of [
      'app://other/index.html',
      'app://till.evil.example/',
      'app://till@evil.example/',
      'app://till:8080/',
      'app://user:pw@till/',
      'file:///opt/till/dist/renderer/index.html',
      'https://till/index.html',
      'http://127.0.0.1:8787/',
      'about:blank',
      'javascript:alert(1)',
      'not a url',
      '',
    ]) {
      assert.equal(isAppUrl(url), false, url);
    }
  });
});

describe('windows', () => {
  const webPreferences = secureWebPreferences({ preload: PRELOAD, devTools: false });

  test('the till window is at least 1024×768, kiosk when asked, shown once drawn', () => {
    for (const kiosk of [true, false]) {
      const options = tillWindowOptions({ kiosk, webPreferences });
      assert.equal(options.kiosk, kiosk);
      assert.equal(options.minWidth, 1024);
      assert.equal(options.minHeight, 768);
      assert.ok((options.width ?? 0) >= 1024 && (options.height ?? 0) >= 768);
      assert.equal(options.show, false);
      assert.equal(options.webPreferences, webPreferences);
    }
  });

  test('the customer window fills its display, fullscreen and frameless', () => {
    const options = customerWindowOptions({ bounds: { x: 1920, y: 0, width: 1280, height: 800 }, webPreferences });
    assert.deepEqual(
      { x: options.x, y: options.y, width: options.width, height: options.height },
      { x: 1920, y: 0, width: 1280, height: 800 },
    );
    assert.equal(options.fullscreen, true);
    assert.equal(options.frame, false);
    assert.equal(options.show, false);
    assert.equal(options.webPreferences, webPreferences);
  });
});
