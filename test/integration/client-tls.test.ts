// TLS and proxies between the real client and the real sandbox: the private CA is the only
// trust anchor, pins narrow it, a certificate for another address is refused, plain HTTP
// leaves only for loopback, and a CONNECT proxy carries the bytes without being trusted.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import * as net from 'node:net';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { AlipayClient } from '../../main/alipay/client';
import type { Attempt, UnknownReason } from '../../main/alipay/outcome';
import { buildPreCreateBody } from '../../main/alipay/precreate-body';
import { startSandbox, type SandboxHandle } from '../../main/alipay/sandbox/server';
import { GatewayTransport, type TransportOptions } from '../../main/alipay/transport';
import { isTillError } from '../../main/errors';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy';
import { CLIENT_ID, MERCHANT_ID, SETUP, testKeyPair, uniqueTransId } from '../support/sandbox-requests';
import { makeTestCa, type TestCa } from '../support/test-ca';

const run = promisify(execFile);

const keys = {
  merchantPrivateKey: async () => testKeyPair('client').privateKey,
  alipayPublicKey: async () => testKeyPair('gateway').publicKey,
};

let ca: TestCa;
let sandbox: SandboxHandle; // https on 127.0.0.1
let plain: SandboxHandle; // http on 127.0.0.1
let other: SandboxHandle; // https on 127.0.0.2, whose address the certificate does not name
let proxy: ConnectProxy;
let rightPin: string;
const clients: AlipayClient[] = [];

function startGateway(options: { tls?: boolean; host?: string } = {}): Promise<SandboxHandle> {
  // gateway.test and other.test: names only the test proxy resolves (loopback is never proxied).
  return startSandbox({
    gatewayPrivateKey: testKeyPair('gateway').privateKey,
    clients: [{ clientId: CLIENT_ID, merchantId: MERCHANT_ID, publicKey: testKeyPair('client').publicKey }],
    ...(options.tls ? { tls: { certPem: ca.certPem, keyPem: ca.keyPem } } : {}),
    ...(options.host ? { host: options.host } : {}),
    hostNames: ['gateway.test', 'other.test'],
  });
}

before(async () => {
  ca = await makeTestCa();
  [sandbox, plain, other, proxy] = await Promise.all([startGateway({ tls: true }), startGateway(), startGateway({ tls: true, host: '127.0.0.2' }), startConnectProxy({ 'gateway.test': '127.0.0.1', 'other.test': '127.0.0.2' })]);
  const spki = new X509Certificate(ca.certPem).publicKey.export({ type: 'spki', format: 'der' });
  rightPin = createHash('sha256').update(spki).digest('base64');
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([sandbox?.close(), plain?.close(), other?.close(), proxy?.close()]);
  if (ca) await rm(ca.dir, { recursive: true, force: true });
});

function makeClient(options: Partial<TransportOptions>): AlipayClient {
  const transport = new GatewayTransport({ baseUrl: sandbox.url, proxyEnv: {}, connectTimeoutMs: 2_000, timeoutMs: 5_000, ...options });
  const client = new AlipayClient({ transport, clientId: CLIENT_ID, merchantId: MERCHANT_ID, keys });
  clients.push(client);
  return client;
}

function preCreate(client: AlipayClient): ReturnType<AlipayClient['preCreate']> {
  const merchantTransId = uniqueTransId('TLS');
  const { bodyText } = buildPreCreateBody({ merchantTransId, amountMinor: 239, currency: 'USD', title: 'Tea' }, SETUP);
  return client.preCreate(bodyText, { merchantTransId, amount: { currency: 'USD', value: '239' } });
}

function expectS(attempt: Attempt<unknown>): void {
  if (attempt.outcome.kind !== 'S') assert.fail(`expected S, got ${JSON.stringify(attempt.outcome)}`);
}

function expectU(attempt: Attempt<unknown>, reason: UnknownReason): string {
  const outcome = attempt.outcome;
  if (outcome.kind !== 'U') assert.fail(`expected U (${reason}), got ${JSON.stringify(outcome)}`);
  assert.equal(outcome.reason, reason, outcome.detail);
  assert.equal(attempt.httpStatus, undefined, 'no HTTP answer was read');
  return outcome.detail;
}

/** Runs fn and checks that the gateway received exactly `requests` API requests meanwhile. */
async function counting<T>(gateway: SandboxHandle, requests: number, fn: () => Promise<T>): Promise<T> {
  const before = gateway.stats().requests;
  const result = await fn();
  assert.equal(gateway.stats().requests - before, requests, `the gateway should have received ${requests} request(s)`);
  return result;
}

describe('certificate verification', () => {
  test('with the test CA as caPem: S (the positive control)', async () => {
    expectS(await counting(sandbox, 1, () => preCreate(makeClient({ caPem: ca.caPem }))));
  });

  test('without caPem the system roots do not know the test CA: U tls, nothing reaches the gateway', async () => {
    const detail = await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({})), 'tls'));
    assert.match(detail, /certificate was not accepted.*(issuer|self.signed|verify)/i);
  });

  test('a caPem that is not the issuer (the server certificate itself) is refused too', async () => {
    const detail = await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({ caPem: ca.certPem })), 'tls'));
    assert.match(detail, /certificate was not accepted/);
  });

  test('the pin is what the usual openssl recipe prints for the server certificate', async () => {
    const { stdout } = await run('sh', ['-c', 'openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64'], { cwd: ca.dir });
    assert.equal(stdout.trim(), rightPin);
    expectS(await counting(sandbox, 1, () => preCreate(makeClient({ caPem: ca.caPem, pinSha256: [stdout.trim()] }))));
  });

  test('the right SPKI pin: S; a list with a wrong and the right pin: S', async () => {
    expectS(await counting(sandbox, 1, () => preCreate(makeClient({ caPem: ca.caPem, pinSha256: [rightPin] }))));
    const wrong = createHash('sha256').update('another key').digest('base64');
    expectS(await counting(sandbox, 1, () => preCreate(makeClient({ caPem: ca.caPem, pinSha256: [wrong, rightPin] }))));
  });

  test('a wrong pin: U tls, nothing reaches the gateway', async () => {
    const wrong = createHash('sha256').update('another key').digest('base64');
    const detail = await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({ caPem: ca.caPem, pinSha256: [wrong] })), 'tls'));
    assert.match(detail, /pin/);
  });

  test('the CA key pinned instead of the server key: U tls (pins are of the server certificate)', async () => {
    const caPin = createHash('sha256').update(new X509Certificate(ca.caPem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({ caPem: ca.caPem, pinSha256: [caPin] })), 'tls'));
  });

  test('a right pin does not replace the chain: without caPem still U tls', async () => {
    await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({ pinSha256: [rightPin] })), 'tls'));
  });

  test('the certificate does not name 127.0.0.2: U tls even with the right CA and pin', async () => {
    assert.match(other.url, /^https:\/\/127\.0\.0\.2:\d+$/);
    const detail = await counting(other, 0, async () => expectU(await preCreate(makeClient({ baseUrl: other.url, caPem: ca.caPem, pinSha256: [rightPin] })), 'tls'));
    assert.match(detail, /127\.0\.0\.2.*(altnames|not in the cert)/);
  });

  test('the certificate names localhost: https://localhost works', async () => {
    expectS(await counting(sandbox, 1, () => preCreate(makeClient({ baseUrl: sandbox.url.replace('127.0.0.1', 'localhost'), caPem: ca.caPem }))));
  });

  test('plain HTTP to the HTTPS port is no answer (U dropped), never S', async () => {
    await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({ baseUrl: sandbox.url.replace('https:', 'http:') })), 'dropped'));
  });
});

describe('plain HTTP only to loopback', () => {
  test('a non-loopback http:// base URL is GATEWAY_INSECURE', () => {
    for (const baseUrl of ['http://example.com', 'http://10.0.0.1:8080', 'http://127.0.0.1.example.com', 'http://localhost.example.com', 'http://[::2]/', 'ftp://127.0.0.1/']) {
      assert.throws(() => new GatewayTransport({ baseUrl }), (e: unknown) => isTillError(e, 'GATEWAY_INSECURE') && e.field === 'gateway.baseUrl', baseUrl);
    }
    assert.throws(() => new GatewayTransport({ baseUrl: 'not a url' }), (e: unknown) => isTillError(e, 'CONFIG_INVALID'));
  });

  test('http://127.0.0.1, http://localhost, http://[::1] and https://example.com are accepted', async () => {
    for (const baseUrl of ['http://127.0.0.1:1', 'http://localhost:1/', 'http://[::1]:1', 'https://example.com/gw']) {
      await new GatewayTransport({ baseUrl }).close();
    }
    expectS(await counting(plain, 1, () => preCreate(makeClient({ baseUrl: plain.url }))));
  });
});

describe('through an HTTP CONNECT proxy', () => {
  const viaProxy = (noProxy = '') => ({ httpsProxy: proxy.url, noProxy });
  const viaName = (gateway: SandboxHandle) => `https://gateway.test:${gateway.port}`;

  test('an HTTPS preCreate goes through a tunnel and still verifies the gateway certificate', async () => {
    const tunnels = proxy.tunnels;
    expectS(await counting(sandbox, 1, () => preCreate(makeClient({ baseUrl: viaName(sandbox), caPem: ca.caPem, pinSha256: [rightPin], proxyEnv: viaProxy() }))));
    assert.equal(proxy.tunnels, tunnels + 1);
    assert.equal(proxy.targets.at(-1), `gateway.test:${sandbox.port}`);
    assert.equal(proxy.plainRequests, 0, 'HTTPS is never sent to the proxy in the clear');
  });

  test('through the tunnel, an untrusted certificate is still U tls (the proxy vouches for nothing)', async () => {
    const tunnels = proxy.tunnels;
    await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({ baseUrl: viaName(sandbox), proxyEnv: viaProxy() })), 'tls'));
    assert.equal(proxy.tunnels, tunnels + 1, 'the tunnel was opened; TLS refused the far end');
  });

  test('through the tunnel, a wrong pin is U tls', async () => {
    const tunnels = proxy.tunnels;
    const wrong = createHash('sha256').update('another key').digest('base64');
    await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({ baseUrl: viaName(sandbox), caPem: ca.caPem, pinSha256: [wrong], proxyEnv: viaProxy() })), 'tls'));
    assert.equal(proxy.tunnels, tunnels + 1);
  });

  test('through the tunnel, a certificate that does not name the host is U tls', async () => {
    const tunnels = proxy.tunnels;
    await counting(other, 0, async () => expectU(await preCreate(makeClient({ baseUrl: `https://other.test:${other.port}`, caPem: ca.caPem, proxyEnv: viaProxy() })), 'tls'));
    assert.equal(proxy.tunnels, tunnels + 1);
    assert.equal(proxy.targets.at(-1), `other.test:${other.port}`);
  });

  test('a gateway on this machine bypasses the proxy, even with NO_PROXY empty', async () => {
    const [connects, tunnels] = [proxy.connects, proxy.tunnels];
    expectS(await counting(sandbox, 1, () => preCreate(makeClient({ caPem: ca.caPem, proxyEnv: viaProxy('') }))));
    assert.equal(proxy.connects, connects);
    assert.equal(proxy.tunnels, tunnels);
  });

  test('httpsProxy does not apply to a plain http:// gateway', async () => {
    const connects = proxy.connects;
    expectS(await counting(plain, 1, () => preCreate(makeClient({ baseUrl: plain.url, proxyEnv: viaProxy() }))));
    assert.equal(proxy.connects, connects);
  });

  test('a proxy that is down: U unreachable, quickly', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const started = Date.now();
    await counting(sandbox, 0, async () => expectU(await preCreate(makeClient({ baseUrl: viaName(sandbox), caPem: ca.caPem, proxyEnv: { httpsProxy: `http://127.0.0.1:${port}`, noProxy: '' } })), 'unreachable'));
    assert.ok(Date.now() - started < 1_000);
  });
});
