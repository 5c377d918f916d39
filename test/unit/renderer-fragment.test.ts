// The URL fragment the screens are opened with (renderer/src/app/fragment.ts, format in
// renderer/README.md): the route, then the bridge token. Checked against the URLs the web
// host really hands out (main/web/web-urls.ts) so the two sides cannot drift apart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BRIDGE_PATH } from '../../preload/contract';
import { newBridgeToken } from '../../main/web/bridge-token';
import { screenUrl, type Screen } from '../../main/web/web-urls';
import { bridgeUrl, isToken, parseFragment, routeHash } from '../../renderer/src/app/fragment';

const TOKEN = 'Au_egFm7G5rekcLGVyDFZekFbbhPHXeofnnBqTzQ3mw';

describe('parseFragment', () => {
  test('the three forms: till, customer display, supervisor', () => {
    assert.deepEqual(parseFragment(`#token=${TOKEN}`), { route: 'till', token: TOKEN });
    assert.deepEqual(parseFragment(`#/customer?token=${TOKEN}`), { route: 'customer', token: TOKEN });
    assert.deepEqual(parseFragment(`#/supervisor?token=${TOKEN}`), { route: 'supervisor', token: TOKEN });
  });

  test('a route without a token (the token is then read from sessionStorage)', () => {
    assert.deepEqual(parseFragment('#/customer'), { route: 'customer', token: null });
    assert.deepEqual(parseFragment('#/supervisor/'), { route: 'supervisor', token: null });
    assert.deepEqual(parseFragment('#/'), { route: 'till', token: null });
    assert.deepEqual(parseFragment(''), { route: 'till', token: null });
    assert.deepEqual(parseFragment('#'), { route: 'till', token: null });
  });

  test('the leading # is optional; other query parameters are ignored', () => {
    assert.deepEqual(parseFragment(`/customer?lang=en&token=${TOKEN}`), { route: 'customer', token: TOKEN });
  });

  test('an unknown route is the till', () => {
    assert.equal(parseFragment('#/admin?token=x').route, 'till');
    assert.equal(parseFragment('#/../supervisor').route, 'till');
  });

  test('a token that is not a plain URL-safe string is no token', () => {
    for (const bad of ['', 'short', 'a b c d e f g h i j k', '<script>alert(1)</script>xxxxxxxxx', 'x'.repeat(300), 'token%00withnulxxxxxxx']) {
      assert.equal(parseFragment(`#token=${encodeURIComponent(bad)}`).token, null, JSON.stringify(bad));
    }
    assert.equal(isToken(TOKEN), true);
  });
});

describe('the web host and the renderer agree', () => {
  for (const screen of ['till', 'customer', 'supervisor'] as const satisfies readonly Screen[]) {
    test(`${screen}: the URL the host prints parses to its route and token`, () => {
      const token = newBridgeToken();
      const url = new URL(screenUrl('http://127.0.0.1:41234', token, screen));
      assert.deepEqual(parseFragment(url.hash), { route: screen, token });
      assert.equal(url.search, '', 'the token stays in the fragment, never in the query sent to the server');
    });
  }
});

describe('routeHash and bridgeUrl', () => {
  test('routeHash gives a fragment without the token that parses back to the route', () => {
    for (const route of ['till', 'customer', 'supervisor'] as const) {
      assert.deepEqual(parseFragment(routeHash(route)), { route, token: null });
    }
  });

  test('the bridge URL is on the page host, ws or wss by the page scheme', () => {
    assert.equal(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:41234' }, BRIDGE_PATH, TOKEN), `ws://127.0.0.1:41234/bridge?token=${TOKEN}`);
    assert.equal(bridgeUrl({ protocol: 'https:', host: 'till.local' }, BRIDGE_PATH, 'a+b/c'), 'wss://till.local/bridge?token=a%2Bb%2Fc');
  });
});
