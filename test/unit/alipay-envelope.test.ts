// The request envelope and RSA2 (docs/protocol.md §1): the signed bytes are the sent bytes, a
// signature verifies only for exactly those bytes, and the head is what the gateway wants.
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isTillError } from '../../main/errors';
import { buildHead, newReqMsgId, signRequest } from '../../main/alipay/envelope';
import { parseRfc3339 } from '../../main/alipay/rfc3339';
import { publicKeyOf, signText, verifyText } from '../../main/alipay/signature';
import { scanTopLevel } from '../../main/alipay/strict-json';
import { buildPreCreateBody } from '../../main/alipay/precreate-body';
import { alipayKeys, anyUnicode, merchantKeys, merchantSetup } from '../support/protocol-fixtures';

const { privateKey, publicKey } = merchantKeys();
const RFC3339_NUMERIC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

function head(extra: Partial<Parameters<typeof buildHead>[0]> = {}): Record<string, string> {
  return buildHead({ api: 'preCreate', clientId: '211xxxxxxxxxxxxxx0044', ...extra });
}

/** JSON body texts with arbitrary unicode (astral, CJK, quotes, escapes) in keys and values. */
const bodyTextArb = fc
  .dictionary(anyUnicode(20), fc.oneof(anyUnicode(60), fc.integer(), fc.boolean(), fc.array(anyUnicode(10), { maxLength: 3 })), { maxKeys: 6 })
  .map((o) => JSON.stringify(o));

describe('signRequest', () => {
  test('property: the envelope parses, its request member is the signed text byte for byte, and it verifies', () => {
    fc.assert(
      fc.property(bodyTextArb, (bodyText) => {
        const signed = signRequest(head(), bodyText, privateKey);
        const envelope = JSON.parse(signed.envelope) as { request: { head: unknown; body: unknown }; signature: string };
        assert.deepEqual(Object.keys(envelope), ['request', 'signature']);
        assert.deepEqual(envelope.request.body, JSON.parse(bodyText));
        const span = scanTopLevel(signed.envelope).get('request')!;
        assert.equal(signed.envelope.slice(span.start, span.end), signed.requestText);
        assert.ok(signed.requestText.endsWith(`"body":${bodyText}}`), 'the frozen body text is spliced in, not re-serialized');
        assert.equal(verifyText(signed.requestText, envelope.signature, publicKey), true);
        assert.equal(verifyText(Buffer.from(signed.requestText, 'utf8'), envelope.signature, publicKey), true);
      }),
      { numRuns: 100 },
    );
  });

  test('property: a frozen body text in any JSON layout is sent verbatim, never re-serialized', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
        fc.constantFrom(1, 2, '\t', ' \r\n'),
        (value, indent) => {
          // Pretty layouts, integer-like keys (JSON.parse would reorder them) and \u escapes.
          const bodyText = JSON.stringify({ '10': 1, b: 'é', '2': [], ...(value as object) }, null, indent).replace(/é/g, '\\u00e9');
          const signed = signRequest(head(), bodyText, privateKey);
          assert.ok(signed.envelope.includes(`"body":${bodyText}}`));
          assert.ok(verifyText(signed.requestText, JSON.parse(signed.envelope).signature, publicKey));
        },
      ),
      { numRuns: 50 },
    );
  });

  test('a real preCreate body: the request text is the frozen body text, and signing is RSA2 over its UTF-8 bytes', () => {
    const { bodyText } = buildPreCreateBody(
      { merchantTransId: 'T-1', amountMinor: 239, currency: 'USD', title: '女装 👗 "summer"' },
      merchantSetup(),
    );
    const h = head();
    const signed = signRequest(h, bodyText, privateKey);
    assert.equal(signed.requestText, `{"head":${JSON.stringify(h)},"body":${bodyText}}`);
    assert.equal(signed.envelope, `{"request":${signed.requestText},"signature":"${signText(signed.requestText, privateKey)}"}`);
    // PKCS#1 v1.5 is deterministic: the same signature node:crypto gives for SHA-256 over those bytes.
    assert.equal(JSON.parse(signed.envelope).signature, sign('sha256', Buffer.from(signed.requestText, 'utf8'), privateKey).toString('base64'));
    assert.equal(signed.reqMsgId, h.reqMsgId);
    assert.equal(signed.reqTime, h.reqTime);
  });

  test('property: changing any single byte of the signed text makes verification fail', () => {
    const signed = signRequest(head(), JSON.stringify({ title: '中文 😀 "q"', n: 1 }), privateKey);
    const signature = JSON.parse(signed.envelope).signature as string;
    const bytes = Buffer.from(signed.requestText, 'utf8');
    // Every position, every single-bit flip.
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = Buffer.from(bytes);
        copy[i] = copy[i]! ^ (1 << bit);
        assert.equal(verifyText(copy, signature, publicKey), false, `byte ${i} bit ${bit}`);
      }
    }
    // And arbitrary replacement values at arbitrary positions.
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, delta) => {
        const copy = Buffer.from(bytes);
        copy[i] = (copy[i]! + delta) & 0xff;
        assert.equal(verifyText(copy, signature, publicKey), false);
      }),
      { numRuns: 2000 },
    );
  });

  test('a signature does not verify with another key, for other text, or when dropped or truncated', () => {
    const signed = signRequest(head(), '{"a":1}', privateKey);
    const signature = JSON.parse(signed.envelope).signature as string;
    assert.equal(verifyText(signed.requestText, signature, alipayKeys().publicKey), false);
    assert.equal(verifyText(`${signed.requestText} `, signature, publicKey), false);
    assert.equal(verifyText(signed.requestText, '', publicKey), false);
    assert.equal(verifyText(signed.requestText, signature.slice(0, -4), publicKey), false);
  });
});

describe('verifyText: the signature shape', () => {
  const text = '{"head":{},"body":{}}';
  const good = signText(text, privateKey);

  test('standard Base64 encoded once verifies', () => {
    assert.equal(good.length, 344);
    assert.equal(verifyText(text, good, publicKey), true);
  });

  test('a double-base64-encoded signature (the public sample trap) is refused', () => {
    const twice = Buffer.from(good, 'utf8').toString('base64');
    assert.equal(twice.length % 4, 0);
    assert.equal(verifyText(text, twice, publicKey), false);
  });

  test('URL-safe alphabet, missing padding, whitespace or line breaks are refused', () => {
    const urlSafe = good.replace(/\+/g, '-').replace(/\//g, '_');
    if (urlSafe !== good) assert.equal(verifyText(text, urlSafe, publicKey), false);
    assert.ok(good.endsWith('==')); // 256 bytes = 85 groups of 3 and one byte over
    assert.equal(verifyText(text, good.replace(/=+$/, ''), publicKey), false);
    assert.equal(verifyText(text, `${good}\n`, publicKey), false);
    assert.equal(verifyText(text, ` ${good}`, publicKey), false);
    assert.equal(verifyText(text, `${good.slice(0, 76)}\n${good.slice(76)}`, publicKey), false);
  });

  test('a non-canonical spelling of the same signature bytes (unused bits set in the last character) is refused', () => {
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = good.length - 3; // the character before '=='; its low 4 bits are padding
    for (let extra = 1; extra < 16; extra++) {
      const spelled = good.slice(0, last) + ALPHABET[ALPHABET.indexOf(good[last]!) | extra] + good.slice(last + 1);
      if (spelled === good) continue;
      assert.deepEqual(Buffer.from(spelled, 'base64'), Buffer.from(good, 'base64'), 'same bytes');
      assert.equal(verifyText(text, spelled, publicKey), false);
    }
  });

  test('a signature of the wrong length for the key is refused before RSA runs', () => {
    assert.equal(verifyText(text, Buffer.alloc(255).toString('base64'), publicKey), false);
    assert.equal(verifyText(text, Buffer.alloc(512).toString('base64'), publicKey), false);
  });

  test('publicKeyOf derives the matching public key', () => {
    assert.equal(verifyText(text, good, publicKeyOf(privateKey)), true);
  });
});

describe('buildHead', () => {
  test('the head of the spec: version, function, clientId, reqTime with numeric offset, reqMsgId, RSA2', () => {
    const h = head({ reqTime: new Date(Date.UTC(2001, 6, 4, 6, 38, 56)) });
    assert.equal(h.version, '2.0.4');
    assert.equal(h.function, 'alipay.intl.acquiring.offline.preCreate');
    assert.equal(h.clientId, '211xxxxxxxxxxxxxx0044');
    assert.equal(h.signType, 'RSA2');
    assert.match(h.reqTime!, RFC3339_NUMERIC);
    assert.equal(parseRfc3339(h.reqTime!), Date.UTC(2001, 6, 4, 6, 38, 56));
    assert.equal('reserve' in h, false);
    assert.equal(buildHead({ api: 'refund', clientId: 'c' }).function, 'alipay.intl.acquiring.common.refund');
    assert.equal(buildHead({ api: 'payQuery', clientId: 'c' }).function, 'alipay.intl.acquiring.offline.payQuery');
  });

  test('property: reqTime is RFC 3339 with a numeric offset, never Z, for any moment', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-01-01T00:00:00Z'), noInvalidDate: true }), (reqTime) => {
        const h = head({ reqTime });
        assert.match(h.reqTime!, RFC3339_NUMERIC);
        assert.ok(!h.reqTime!.includes('Z'));
        assert.equal(parseRfc3339(h.reqTime!, { allowZ: false }), Math.floor(reqTime.getTime() / 1000) * 1000);
      }),
      { numRuns: 300 },
    );
  });

  test('reqMsgId is unique over 10k heads, at most 64 characters, and a valid identifier', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const id = head().reqMsgId!;
      assert.ok(id.length > 0 && id.length <= 64);
      assert.match(id, /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/);
      seen.add(id);
    }
    assert.equal(seen.size, 10_000);
    assert.notEqual(newReqMsgId(), newReqMsgId());
  });

  test('a given reqMsgId is used; an invalid one is refused', () => {
    assert.equal(head({ reqMsgId: 'abc-123' }).reqMsgId, 'abc-123');
    assert.throws(() => head({ reqMsgId: 'x'.repeat(65) }), (e: unknown) => isTillError(e, 'FIELD_INVALID') && e.field === 'head.reqMsgId');
    assert.throws(() => head({ clientId: 'c'.repeat(33) }), (e: unknown) => isTillError(e, 'FIELD_INVALID') && e.field === 'head.clientId');
    assert.throws(() => head({ clientId: '' }), (e: unknown) => isTillError(e, 'FIELD_INVALID') && e.field === 'head.clientId');
  });

  test('property: an ISV token goes into head.reserve as the JSON string {"isvAccesstoken":…}', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme-ascii' }), (token) => {
        const h = head({ isvAccessToken: token });
        assert.equal(typeof h.reserve, 'string');
        assert.equal(h.reserve, JSON.stringify({ isvAccesstoken: token }));
        assert.deepEqual(JSON.parse(h.reserve!), { isvAccesstoken: token });
        // And it is inside the signed text.
        const signed = signRequest(h, '{}', privateKey);
        assert.equal(JSON.parse(signed.requestText).head.reserve, h.reserve);
      }),
      { numRuns: 100 },
    );
  });

  test('a token too long for reserve (String(256)) is refused naming the field, never echoing the token', () => {
    const token = `SECRET${'t'.repeat(250)}`;
    assert.throws(
      () => head({ isvAccessToken: token }),
      (e: unknown) => isTillError(e, 'FIELD_INVALID') && e.field === 'head.reserve' && !e.message.includes('SECRET'),
    );
  });
});
