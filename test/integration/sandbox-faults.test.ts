// Fault injection on the sandbox gateway: each kind is observable on a real loopback
// connection, processFirst decides whether the work was done before the answer was lost,
// and the compact fault syntax names the token at fault.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isTillError } from '../../main/errors';
import { FaultInjector, parseFaults } from '../../main/alipay/sandbox/faults';
import { MessageRejected } from '../../main/alipay/signed-message';
import { MERCHANT_ID, openResponse, preCreateBody, signedEnvelope, startTestSandbox, type TestSandbox } from '../support/sandbox-requests';

describe('parseFaults', () => {
  test('reads the documented form', () => {
    assert.deepEqual(parseFaults('unknown=0.2,5xx=0.1,drop=0.05,badsig=0.05,timeout=0.05,garbage=0.02,latency=50-200,processFirst=0.5,seed=7'), {
      unknown: 0.2,
      http5xx: 0.1,
      drop: 0.05,
      badSignature: 0.05,
      timeout: 0.05,
      garbage: 0.02,
      processFirst: 0.5,
      latencyMs: [50, 200],
      seed: 7,
    });
    assert.deepEqual(parseFaults('latency=30 hold=500 apis=preCreate|refund force.payQuery=RISK_REJECT force.refund=PROCESS_FAIL'), {
      latencyMs: 30,
      timeoutHoldMs: 500,
      apis: ['preCreate', 'refund'],
      forceResult: { payQuery: 'RISK_REJECT', refund: 'PROCESS_FAIL' },
    });
    assert.deepEqual(parseFaults(''), {});
  });

  test('names the bad token', () => {
    const cases: Array<[string, RegExp]> = [
      ['unknown=0.2,dorp=0.1', /"dorp=0\.1".*unknown name "dorp"/],
      ['drop=1.5', /"drop=1\.5".*between 0 and 1/],
      ['drop=lots', /"drop=lots".*not a probability/],
      ['latency=200-50', /"latency=200-50".*min <= max/],
      ['latency=fast', /"latency=fast"/],
      ['seed=x', /"seed=x"/],
      ['drop', /"drop".*name=value/],
      ['apis=preCreate|pay', /"apis=preCreate\|pay"/],
      ['force.preCreate=NOPE', /"force\.preCreate=NOPE"/],
      ['force.pay=RISK_REJECT', /"force\.pay=RISK_REJECT".*unknown API/],
      ['drop=0.1,drop=0.2', /"drop=0\.2".*twice/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseFaults(text), (e: unknown) => isTillError(e, 'SANDBOX_FAULTS_INVALID') && message.test(e.message), text);
    }
    assert.throws(() => parseFaults('unknown=0.6,drop=0.6'), /add up to 1\.2/);
  });

  test('the same seed gives the same faults', () => {
    const config = { unknown: 0.3, drop: 0.3, processFirst: 0.5, latencyMs: [0, 100] as const };
    const plans = (seed: number) => {
      const injector = new FaultInjector({ ...config, seed });
      return Array.from({ length: 50 }, () => injector.plan('preCreate'));
    };
    assert.deepEqual(plans(7), plans(7));
    assert.notDeepEqual(plans(7), plans(8));
    const kinds = new Set(plans(7).map((p) => p.kind));
    assert.ok(kinds.has('unknown') && kinds.has('drop') && kinds.has(undefined), 'the probabilities are used');
  });
});

describe('each fault kind on the wire', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox({ seed: 1 });
  });
  after(() => t.close());

  const envelope = (body = preCreateBody()) => signedEnvelope('preCreate', body);
  const created = (body: Record<string, unknown>) => t.sandbox.orders().some((o) => o.merchantTransId === body.merchantTransId);

  test('unknown: a valid signed U UNKNOWN_EXCEPTION; processFirst decides whether the order exists', async () => {
    for (const processFirst of [0, 1]) {
      t.sandbox.setFaults({ unknown: 1, processFirst });
      const body = preCreateBody();
      const answer = await t.post('preCreate', envelope(body));
      const { body: opened } = openResponse(answer.text, t.gatewayPublicKey);
      assert.deepEqual(
        { status: (opened.resultInfo as { resultStatus: string }).resultStatus, code: (opened.resultInfo as { resultCode: string }).resultCode },
        { status: 'U', code: 'UNKNOWN_EXCEPTION' },
      );
      assert.equal(created(body), processFirst === 1, `processFirst=${processFirst}`);
    }
    t.sandbox.setFaults({});
  });

  test('http5xx: a 502 or 503 with an HTML body', async () => {
    t.sandbox.setFaults({ http5xx: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const answer = await t.post('preCreate', envelope());
      statuses.add(answer.status);
      assert.match(String(answer.headers['content-type']), /^text\/html/);
      assert.match(answer.text, /<html>/);
    }
    assert.deepEqual([...statuses].sort(), [502, 503]);
    t.sandbox.setFaults({});
  });

  test('drop: the socket closes without an answer; with processFirst the order was created', async () => {
    for (const processFirst of [0, 1]) {
      t.sandbox.setFaults({ drop: 1, processFirst });
      const body = preCreateBody();
      await assert.rejects(t.post('preCreate', envelope(body)), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /socket hang up/.test(e.message));
      assert.equal(created(body), processFirst === 1, `processFirst=${processFirst}`);
    }
    t.sandbox.setFaults({});
  });

  test('badSignature: well-formed, but the signature fails verification', async () => {
    t.sandbox.setFaults({ badSignature: 1, processFirst: 1 });
    const body = preCreateBody();
    const answer = await t.post('preCreate', envelope(body));
    assert.equal(answer.status, 200);
    const parsed = JSON.parse(answer.text) as { response: { body: { resultInfo: { resultCode: string } } }; signature: string };
    assert.equal(parsed.response.body.resultInfo.resultCode, 'SUCCESS', 'the real answer, spoiled');
    assert.equal(Buffer.from(parsed.signature, 'base64').length, 256, 'still a 2048-bit signature in form');
    assert.throws(() => openResponse(answer.text, t.gatewayPublicKey), (e: unknown) => e instanceof MessageRejected && e.reason === 'bad_signature');
    assert.ok(created(body));

    t.sandbox.setFaults({ badSignature: 1, processFirst: 0 });
    const unprocessed = preCreateBody();
    const spoiled = JSON.parse((await t.post('preCreate', envelope(unprocessed))).text) as typeof parsed;
    assert.equal(spoiled.response.body.resultInfo.resultCode, 'UNKNOWN_EXCEPTION', 'never a forged S');
    assert.ok(!created(unprocessed));
    t.sandbox.setFaults({});
  });

  test('timeout: no answer until the client gives up', async () => {
    t.sandbox.setFaults({ timeout: 1, processFirst: 1, timeoutHoldMs: 5_000 });
    const body = preCreateBody();
    const started = Date.now();
    await assert.rejects(t.post('preCreate', envelope(body), { timeoutMs: 200 }), (e: NodeJS.ErrnoException) => e.code === 'CLIENT_TIMEOUT');
    assert.ok(Date.now() - started >= 190);
    assert.ok(created(body), 'processed before the answer was withheld');
    t.sandbox.setFaults({});
  });

  test('timeout: after the hold the server destroys the socket', async () => {
    t.sandbox.setFaults({ timeout: 1, timeoutHoldMs: 150 });
    const started = Date.now();
    await assert.rejects(t.post('preCreate', envelope()), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET' || /socket hang up/.test(e.message));
    assert.ok(Date.now() - started >= 140);
    t.sandbox.setFaults({});
  });

  test('garbage: a 200 that is not a gateway message', async () => {
    t.sandbox.setFaults({ garbage: 1 });
    const seen = new Set<string>();
    for (let i = 0; i < 15; i++) {
      const answer = await t.post('preCreate', envelope());
      assert.equal(answer.status, 200);
      assert.throws(() => openResponse(answer.text, t.gatewayPublicKey), MessageRejected);
      seen.add(String(answer.headers['content-type']));
    }
    assert.ok(seen.size >= 2, 'more than one kind of garbage');
    t.sandbox.setFaults({});
  });

  test('latency delays the answer by the configured range', async () => {
    t.sandbox.setFaults({ latencyMs: [120, 150] });
    const started = Date.now();
    const answer = await t.call('preCreate', preCreateBody());
    assert.equal(answer.resultInfo.resultCode, 'SUCCESS');
    assert.ok(Date.now() - started >= 115);
    t.sandbox.setFaults({});
  });

  test('the apis filter limits faults to the named APIs', async () => {
    t.sandbox.setFaults({ unknown: 1, apis: ['payQuery'] });
    const body = preCreateBody();
    assert.equal((await t.call('preCreate', body)).resultInfo.resultCode, 'SUCCESS');
    assert.equal((await t.call('payQuery', { merchantId: MERCHANT_ID, merchantTransId: body.merchantTransId })).resultInfo.resultCode, 'UNKNOWN_EXCEPTION');
    t.sandbox.setFaults({});
  });

  test('stats count every fault by kind, and the server keeps serving after all of them', async () => {
    const faults = t.sandbox.stats().faults;
    for (const kind of ['unknown', 'http5xx', 'drop', 'badSignature', 'timeout', 'garbage'] as const) assert.ok(faults[kind] > 0, kind);
    assert.equal((await t.call('preCreate', preCreateBody())).resultInfo.resultCode, 'SUCCESS');
  });
});

describe('a mixed fault run', () => {
  test('the same seed and requests give the same outcomes on the wire', async () => {
    const spec = 'unknown=0.25,5xx=0.25,garbage=0.25,seed=42';
    const run = async (): Promise<string[]> => {
      const t = await startTestSandbox({ faults: parseFaults(spec) });
      try {
        const outcomes: string[] = [];
        for (let i = 0; i < 16; i++) {
          const answer = await t.post('preCreate', signedEnvelope('preCreate', preCreateBody()));
          let what = `${answer.status}`;
          try {
            what += (openResponse(answer.text, t.gatewayPublicKey).body.resultInfo as { resultCode: string }).resultCode;
          } catch {
            what += 'unreadable';
          }
          outcomes.push(what);
        }
        return outcomes;
      } finally {
        await t.close();
      }
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    assert.ok(new Set(first).size >= 3, `a mix: ${first.join(' ')}`);
  });
});
