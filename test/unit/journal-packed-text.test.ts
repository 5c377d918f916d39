import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readResponse } from '../../main/alipay/read-response';
import { signedResponse } from '../../main/alipay/sandbox/signed-response';
import { packAgainstReference, packAnswer, packText, referenceDictionary, unpackText } from '../../main/journal/storage/packed-text';
import { attempt, openJournal, orderIn } from './journal-kit';

describe('packed text (bodies and gateway answers)', () => {
  test('short text is stored as it is; packed text is always smaller', () => {
    assert.equal(packText('{"a":1}'), '{"a":1}');
    for (let i = 0; i < 50; i++) {
      const noise = randomBytes(200 + i * 10).toString('base64');
      const packed = packText(noise);
      if (Buffer.isBuffer(packed)) assert.ok(packed.length < Buffer.byteLength(noise));
      assert.equal(unpackText(packed), noise);
    }
    assert.equal(unpackText('plain'), 'plain');
    assert.equal(unpackText(null), null);
  });

  test('a signed answer packs to well under half and reads back byte for byte', () => {
    const text = `{"response":{"head":{"version":"2.0.4","function":"alipay.intl.acquiring.offline.payQuery","clientId":"2110000000000044","respTime":"2025-03-14T12:00:00+08:00","reqMsgId":"${randomBytes(16).toString('hex')}","reserve":"{}"},"body":{"resultInfo":{"resultStatus":"S","resultCodeId":"00000000","resultCode":"SUCCESS","resultMsg":"success"},"acquirementId":"2025031411000000010000001","merchantTransId":"T0120250314000001","acquirementStatus":"INIT","orderAmount":{"currency":"USD","value":"239"},"createTime":"2025-03-14T12:00:00+08:00"}},"signature":"${randomBytes(256).toString('base64')}"}`;
    const packed = packText(text);
    assert.ok(Buffer.isBuffer(packed));
    assert.ok(packed.length < text.length * 0.6, `${packed.length} of ${text.length}`);
    assert.equal(unpackText(packed), text);
  });

  test('any text round-trips exactly; lone surrogates are kept as text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), fc.string({ maxLength: 40 }), (s, prefix) => {
        const text = `{"orderTitle":"${prefix}","orderDetail":"${s}"}`.repeat(2);
        assert.equal(unpackText(packText(text)), text);
      }),
      { numRuns: 300 },
    );
    const lone = `{"a":"\uD800"}${'x'.repeat(400)}`;
    assert.equal(packText(lone), lone);
  });

  test('an unknown codec byte is an error, never garbage', () => {
    assert.throws(() => unpackText(Buffer.from([9, 1, 2, 3])), /unknown codec 9/);
  });

  test('an unknown codec byte is an error, never garbage', () => {
    assert.throws(() => unpackText(Buffer.from([9, 1, 2, 3])), /unknown codec 9/);
  });
});

const ANSWER_BODY = '{"resultInfo":{"resultStatus":"S","resultCodeId":"00000000","resultCode":"SUCCESS","resultMsg":"success"},"acquirementStatus":"SUCCESS"}';

function signedAnswer(reqMsgId: string, signature = randomBytes(256).toString('base64')): string {
  const head = `{"version":"2.0.4","function":"alipay.intl.acquiring.offline.payQuery","clientId":"2110000000000044","respTime":"2025-03-14T12:00:00+08:00","reqMsgId":"${reqMsgId}","reserve":"{}"}`;
  return `{"response":{"head":${head},"body":${ANSWER_BODY}},"signature":"${signature}"}`;
}

describe('packed signed answers (codec 3: the signature as raw bytes)', () => {
  test('a signed answer is stored smaller than codec 1 stores it and reads back byte for byte', () => {
    const reqMsgId = randomBytes(16).toString('hex');
    const text = signedAnswer(reqMsgId);
    const packed = packAnswer(text, reqMsgId);
    assert.ok(Buffer.isBuffer(packed));
    assert.equal(packed[0], 3);
    const codec1 = packText(text) as Buffer;
    // The signature costs its 256 bytes instead of ~290, and the echoed request id almost nothing.
    assert.ok(packed.length + 40 < codec1.length, `${packed.length} bytes, codec 1 ${codec1.length}`);
    assert.equal(unpackText(packed, { echo: reqMsgId }), text);
  });

  test('a real gateway answer still verifies after the round trip through the journal', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { journal } = openJournal();
    const order = orderIn(journal, 'AWAITING_PAYMENT');
    const reqMsgId = randomBytes(16).toString('hex');
    const body = {
      resultInfo: { resultStatus: 'S', resultCodeId: '00000000', resultCode: 'SUCCESS', resultMsg: 'success' },
      acquirementId: '20250314110000000100000001',
      merchantTransId: order.merchantTransId,
      acquirementStatus: 'SUCCESS',
      orderAmount: { currency: 'USD', value: '239' },
      payAmount: { currency: 'USD', value: '239' },
      paymentTime: '2025-03-14T12:00:05+08:00',
      note: '雲吞 🍜 "quoted" \\ back',
    };
    const raw = signedResponse({ fn: 'alipay.intl.acquiring.offline.payQuery', clientId: '2110000000000044', reqMsgId }, body, privateKey);
    journal.recordAttempt(order.id, null, attempt({ raw, status: 'SUCCESS', reqMsgId }));
    const stored = (journal.db.prepare('SELECT raw_response AS r FROM attempts WHERE order_id = ?').get(order.id) as { r: Buffer }).r;
    assert.equal(stored[0], 3, 'stored with codec 3');
    const [read] = journal.attempts(order.id);
    assert.equal(read?.rawResponse, raw);
    const outcome = readResponse(Buffer.from(read!.rawResponse!, 'utf8'), publicKey, { api: 'payQuery', reqMsgId, merchantTransId: order.merchantTransId });
    assert.equal(outcome.kind, 'S', JSON.stringify(outcome));
  });

  test('any answer-shaped text round-trips exactly, whatever its signature or echo', () => {
    const base64 = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64'));
    // Non-canonical spellings (bits set past the end, a line break, no padding) must come back as they were.
    const odd = fc.oneof(base64, fc.constantFrom('QQ', 'QR==', 'QUJD\\nREVG', 'not base64!', '"', ''), fc.string({ unit: 'binary', maxLength: 40 }));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), odd, fc.string({ maxLength: 64 }), (inner, signature, echo) => {
        const text = signedAnswer(echo, signature).replace(ANSWER_BODY, JSON.stringify({ inner }));
        assert.equal(unpackText(packAnswer(text, echo), { echo }), text);
        const loose = `{"response":${inner},"signature":"${signature}"}`;
        assert.equal(unpackText(packAnswer(loose, echo), { echo }), loose);
      }),
      { numRuns: 400 },
    );
  });

  test('a non-canonical signature is not rebuilt from bytes: the answer is stored by codec 1', () => {
    const reqMsgId = 'r1';
    const canonical = randomBytes(256).toString('base64');
    // 256 bytes leave 4 unused bits in the last character (A, Q, g or w): set one of them.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const spoilt = `${canonical.slice(0, -3)}${alphabet[alphabet.indexOf(canonical.at(-3)!) + 1]}==`;
    assert.notEqual(Buffer.from(spoilt, 'base64').toString('base64'), spoilt);
    const text = signedAnswer(reqMsgId, spoilt);
    const packed = packAnswer(text, reqMsgId) as Buffer;
    assert.equal(packed[0], 1);
    assert.equal(unpackText(packed, { echo: reqMsgId }), text);
  });

  test('codec 3 needs the echoed request id and codec 2 its reference: refused, never guessed', () => {
    const packed = packAnswer(signedAnswer('abc'), 'abc');
    assert.throws(() => unpackText(packed), /request id/);
    const body = JSON.stringify({ merchantId: 'M1', order: { orderTitle: 'x'.repeat(300) } });
    const against = packAgainstReference(body, 7, referenceDictionary(body))!;
    assert.equal(against[0], 2);
    assert.throws(() => unpackText(against), /reference body 7/);
    assert.equal(unpackText(against, { reference: (id) => (id === 7 ? referenceDictionary(body) : assert.fail(`asked for ${id}`)) }), body);
  });
});
