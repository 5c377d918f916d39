// The sandbox answers only requests addressed to it (issue 11 §7): a web page on the same
// machine cannot change its faults (a cross-site POST carries a foreign Origin), and a DNS
// rebinding name cannot read its orders (a foreign Host). Real sandbox over loopback HTTP,
// raw requests with the headers a browser would send.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API } from '../../main/alipay/functions';
import { allowedHosts } from '../../main/alipay/sandbox/request-origin';
import { request, startTestSandbox, type TestSandbox } from '../support/sandbox-requests';

describe('sandbox: foreign Host and Origin headers are refused', () => {
  let t: TestSandbox;
  let own: URL;

  before(async () => {
    t = await startTestSandbox();
    own = new URL(t.sandbox.url);
  });
  after(() => t.close());

  const faults = async () => JSON.parse((await request(`${t.sandbox.url}/sandbox/faults`, undefined)).text) as unknown;

  test('a rebinding name in Host: 403 on orders, faults and the gateway API; nothing is read', async () => {
    for (const path of ['/sandbox/orders', '/sandbox/faults', '/sandbox/stats']) {
      const answer = await request(`${t.sandbox.url}${path}`, undefined, { headers: { Host: `attacker.example:${own.port}` } });
      assert.equal(answer.status, 403, path);
      assert.match(answer.text, /Host/);
      assert.doesNotMatch(answer.text, /merchantTransId/);
    }
    const api = await request(`${t.sandbox.url}${API.preCreate.path}`, '{}', { headers: { Host: 'attacker.example' } });
    assert.equal(api.status, 403);
  });

  test('a Host with a path or user info, or a name that only looks local, is refused too', async () => {
    for (const host of [`localhost:${own.port}/x`, `user@127.0.0.1:${own.port}`, `localhost.attacker.example:${own.port}`, `127.0.0.1.nip.io:${own.port}`]) {
      const answer = await request(`${t.sandbox.url}/sandbox/stats`, undefined, { headers: { Host: host } });
      assert.equal(answer.status, 403, JSON.stringify(host));
    }
  });

  test('a cross-site POST (foreign Origin, or "null") cannot change the faults', async () => {
    const before = await faults();
    for (const origin of ['http://attacker.example', 'null', `http://127.0.0.1:${Number(own.port) + 1}`, `https://${own.host}`]) {
      const answer = await request(`${t.sandbox.url}/sandbox/faults`, JSON.stringify({ unknown: 1 }), { headers: { Origin: origin } });
      assert.equal(answer.status, 403, origin);
      assert.match(answer.text, /origin/i);
    }
    assert.deepEqual(await faults(), before);
  });

  test('the sandbox itself, localhost, and its own origin still work (the customer page posts with its own Origin)', async () => {
    // Any port: a relay or a port forward in front of the sandbox changes it.
    for (const host of [own.host, `localhost:${own.port}`, `127.0.0.1:${Number(own.port) + 1}`]) {
      assert.equal((await request(`${t.sandbox.url}/sandbox/stats`, undefined, { headers: { Host: host } })).status, 200, host);
    }
    const same = await request(`${t.sandbox.url}/sandbox/faults`, JSON.stringify({}), { headers: { Origin: `http://${own.host}` } });
    assert.equal(same.status, 200, same.text);
  });

  test('a public URL (phones on the LAN) adds its name', () => {
    const allowed = allowedHosts('https://till-sandbox.shop.lan:8443');
    assert.ok(allowed.names.has('till-sandbox.shop.lan'));
    assert.ok(!allowed.names.has('shop.lan'));
  });
});
