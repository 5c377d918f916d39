// Hostile and broken input never gets a stack trace out of the sandbox, and never stops it
// from serving the next request.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { openResponse, preCreateBody, request, signedEnvelope, startTestSandbox, type TestSandbox } from '../support/sandbox-requests';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(() => t.close());

const STACK_LINE = /^\s{4}at /m;

async function stillServing(): Promise<void> {
  const answer = await t.call('preCreate', preCreateBody());
  assert.equal(answer.resultInfo.resultCode, 'SUCCESS');
}

describe('malformed gateway requests', () => {
  const good = signedEnvelope('preCreate', preCreateBody());
  const surrogate = preCreateBody();
  (surrogate.order as Record<string, unknown>).orderTitle = 'tea \ud800 cup';
  const P = 'PARAM_ILLEGAL';
  const cases: Array<[string, string | Buffer, string]> = [
    ['empty body', '', P],
    ['an array', '[]', P],
    ['null', 'null', P],
    ['a number', '42', P],
    ['HTML', '<!DOCTYPE html><html><body>hello</body></html>', P],
    ['duplicate keys', '{"request":{"head":{},"body":{}},"request":{"head":{},"body":{}},"signature":"x"}', P],
    ['truncated JSON', good.slice(0, Math.floor(good.length / 2)), P],
    ['text after the object', `${good} trailing`, P],
    ['request not an object', '{"request":[],"signature":"x"}', P],
    ['head and body not objects', '{"request":{"head":"h","body":7},"signature":"x"}', P],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"request":{"head":{"clientId":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}},"signature":"x"}')]), P],
    ['deep nesting', `{"request":${'['.repeat(5000)}${']'.repeat(5000)},"signature":"x"}`, P],
    ['a signed lone surrogate', signedEnvelope('preCreate', surrogate), P],
    ['signature not a string', good.replace(/"signature":"[^"]*"/, '"signature":12'), P],
    ['double-encoded signature', good.replace(/"signature":"([^"]*)"/, (_m, sig: string) => `"signature":"${Buffer.from(sig).toString('base64')}"`), 'INVALID_SIGNATURE'],
  ];
  for (const [name, payload, expected] of cases) {
    test(`${name}: a signed ${expected}, no stack trace`, async () => {
      const answer = await t.post('preCreate', payload);
      assert.equal(answer.status, 200);
      assert.doesNotMatch(answer.text, STACK_LINE);
      const { body } = openResponse(answer.text, t.gatewayPublicKey);
      const resultInfo = body.resultInfo as { resultCode: string; resultStatus: string; resultMsg: string };
      assert.equal(resultInfo.resultStatus, 'F');
      assert.equal(resultInfo.resultCode, expected, `${name}: ${resultInfo.resultMsg}`);
      await stillServing();
    });
  }

  test('a leading UTF-8 BOM is ignored, as RFC 8259 allows a receiver to do', async () => {
    const answer = await t.post('preCreate', `\uFEFF${signedEnvelope('preCreate', preCreateBody())}`);
    assert.equal((openResponse(answer.text, t.gatewayPublicKey).body.resultInfo as { resultCode: string }).resultCode, 'SUCCESS');
  });

  test('a 100 KB body: 413 as JSON, then the server keeps serving', async () => {
    const answer = await t.post('preCreate', `{"request":"${'x'.repeat(100 * 1024)}"}`);
    assert.equal(answer.status, 413);
    assert.doesNotMatch(answer.text, STACK_LINE);
    assert.equal((JSON.parse(answer.text) as { error: string }).error, 'payload_too_large');
    assert.ok(t.sandbox.stats().http['413']! >= 1);
    await stillServing();
  });

  test('a declared 10 MB body is refused before it is read', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(t.sandbox.port, '127.0.0.1', () => {
        socket.write(`POST /api/alipay/intl/acquiring/offline/precreate.htm HTTP/1.1\r\nHost: 127.0.0.1:${t.sandbox.port}\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n{`);
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 413/);
    assert.doesNotMatch(answer, STACK_LINE);
    await stillServing();
  });

  test('garbage that is not HTTP and a request cut off mid-body do not hurt the server', async () => {
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      const socket = net.connect(t.sandbox.port, '127.0.0.1', () => socket.write('\x16\x03\x01 not http at all\r\n\r\n'));
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.match(reply, /"error":"bad_request"/);
    await new Promise<void>((resolve) => {
      const socket = net.connect(t.sandbox.port, '127.0.0.1', () => {
        socket.write(`POST /api/alipay/intl/acquiring/offline/precreate.htm HTTP/1.1\r\nHost: 127.0.0.1:${t.sandbox.port}\r\nContent-Length: 500\r\n\r\n{"request":`);
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    await stillServing();
  });
});

describe('malformed requests elsewhere', () => {
  test('odd paths and methods answer JSON errors without stack traces', async () => {
    const cases: Array<[string, string | undefined, string | undefined, number]> = [
      ['/%E0%A4%A', undefined, 'GET', 404],
      ['/sandbox/nothing', undefined, 'GET', 404],
      ['/sandbox/orders', '{}', 'DELETE', 404],
      ['/sandbox/faults', '[1,2]', 'POST', 400],
      ['/sandbox/faults', '{"drop":0.1,"drop":0.2}', 'POST', 400],
      ['/sandbox/faults', '{"nonsense":1}', 'POST', 400],
      ['/qr/abc', undefined, 'DELETE', 405],
      ['/qr/%3Cscript%3E', undefined, 'GET', 404],
    ];
    for (const [path, payload, method, status] of cases) {
      const answer = await request(t.sandbox.url + path, payload, { method });
      assert.equal(answer.status, status, `${method} ${path}: ${answer.text}`);
      assert.doesNotMatch(answer.text, STACK_LINE);
      assert.ok(!answer.text.includes('<script>'), 'nothing reflected unescaped');
    }
    await stillServing();
  });
});
