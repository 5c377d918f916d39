// The sandbox over real HTTPS with a private test CA: the till trusts only that CA, QR URLs
// carry the https base, keep-alive works over TLS, and an untrusting client is refused.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import * as https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { makeTestCa, type TestCa } from '../support/test-ca';
import { MERCHANT_ID, preCreateBody, request, signedEnvelope, startTestSandbox, type TestSandbox } from '../support/sandbox-requests';

let ca: TestCa;
let t: TestSandbox;

before(async () => {
  ca = await makeTestCa();
  t = await startTestSandbox({ tls: { certPem: ca.certPem, keyPem: ca.keyPem } }, { ca: ca.caPem });
});
after(async () => {
  await t?.close();
  if (ca) await rm(ca.dir, { recursive: true, force: true });
});

describe('HTTPS', () => {
  test('the test CA signs a server certificate for 127.0.0.1 and localhost', () => {
    const cert = new X509Certificate(ca.certPem);
    const authority = new X509Certificate(ca.caPem);
    assert.ok(cert.verify(authority.publicKey), 'issued by the test CA');
    assert.ok(cert.checkIP('127.0.0.1'));
    assert.ok(cert.checkHost('localhost'));
    assert.equal(authority.ca, true);
    assert.equal(cert.ca, false);
  });

  test('preCreate, pay through the https QR URL, payQuery SUCCESS', async () => {
    assert.match(t.sandbox.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const body = preCreateBody();
    const created = await t.call('preCreate', body);
    assert.equal(created.resultInfo.resultCode, 'SUCCESS');
    const qr = String(created.body.orderQrCode);
    assert.ok(qr.startsWith(`${t.sandbox.url}/qr/`));
    const paid = await request(`${qr}/pay`, '', { ca: ca.caPem, headers: { Accept: 'application/json' } });
    assert.equal(paid.status, 200, paid.text);
    const query = await t.call('payQuery', { merchantId: MERCHANT_ID, merchantTransId: body.merchantTransId });
    assert.equal(query.body.acquirementStatus, 'SUCCESS');
  });

  test('localhost works too (the certificate names it)', async () => {
    const url = t.sandbox.url.replace('127.0.0.1', 'localhost');
    const answer = await request(`${url}/sandbox/stats`, undefined, { ca: ca.caPem });
    assert.equal(answer.status, 200);
  });

  test('a client that does not trust the test CA is refused by TLS', async () => {
    await assert.rejects(
      t.post('preCreate', signedEnvelope('preCreate', preCreateBody()), { ca: undefined }),
      (e: NodeJS.ErrnoException) => /SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY/.test(String(e.code)),
    );
  });

  test('keep-alive reuses the TLS connection', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: ca.caPem });
    try {
      const first = await t.call('preCreate', preCreateBody(), {}, { agent });
      const second = await t.call('preCreate', preCreateBody(), {}, { agent });
      assert.equal(first.resultInfo.resultCode, 'SUCCESS');
      assert.equal(second.reusedSocket, true);
    } finally {
      agent.destroy();
    }
  });

  test('plain HTTP to the HTTPS port gets no gateway answer', async () => {
    const plain = t.sandbox.url.replace('https:', 'http:');
    await assert.rejects(request(`${plain}/sandbox/stats`, undefined), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET');
  });
});
