import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { packText, unpackText } from '../../main/journal/packed-text';

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
});
