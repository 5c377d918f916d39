// Importing what merchants paste: the accepted encodings normalise to one form, and every
// refusal is a KEY_INVALID naming the key, without ever echoing any of the key text.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { importPrivateKey, importPublicKey } from '../../main/config/key-material';
import { isTillError } from '../../main/errors';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'spki' | 'sec1'): string =>
  key.export({ type, format: 'pem' } as never) as unknown as string;
const der64 = (key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'spki'): string =>
  (key.export({ type, format: 'der' } as never) as unknown as Buffer).toString('base64');

/** Asserts a KEY_INVALID for `field` whose message carries no base64 run and none of `secretText`. */
function assertRefused(run: () => unknown, field: string, messagePattern: RegExp, secretText?: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isTillError(error, 'KEY_INVALID'), `expected KEY_INVALID, got ${String(error)}`);
    assert.equal(error.field, field);
    assert.match(error.message, messagePattern);
    assert.doesNotMatch(error.message, /[A-Za-z0-9+/]{24,}/, 'message contains a base64 run');
    if (secretText !== undefined) {
      const body = secretText.replace(/-----[^-]+-----|\s/g, '');
      for (let i = 0; i + 12 <= body.length; i += 6) {
        assert.ok(!error.message.includes(body.slice(i, i + 12)), 'message contains key text');
      }
    }
    return true;
  });
}

function signsLike(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const data = Buffer.from('challenge');
  return verify('sha256', data, publicKey, sign('sha256', data, privateKey));
}

describe('importPrivateKey accepts and normalises to PKCS#8 PEM', () => {
  const inputs: Array<[string, string]> = [
    ['PKCS#8 PEM', pem(rsa.privateKey, 'pkcs8')],
    ['PKCS#1 PEM', pem(rsa.privateKey, 'pkcs1')],
    ['bare base64 PKCS#8 DER (Alipay portal)', der64(rsa.privateKey, 'pkcs8')],
    ['bare base64 PKCS#1 DER', der64(rsa.privateKey, 'pkcs1')],
    ['base64 wrapped at 64 columns with CRLF', (der64(rsa.privateKey, 'pkcs8').match(/.{1,64}/g) ?? []).join('\r\n')],
    ['PEM with literal \\n escapes (copied from JSON)', pem(rsa.privateKey, 'pkcs1').trim().replace(/\n/g, '\\n')],
  ];
  for (const [name, text] of inputs) {
    test(name, () => {
      const imported = importPrivateKey(text);
      assert.match(imported.pem, /^-----BEGIN PRIVATE KEY-----\n/);
      assert.equal(imported.pem, pem(rsa.privateKey, 'pkcs8'));
      assert.equal(imported.key.type, 'private');
      assert.ok(signsLike(imported.key, rsa.publicKey));
    });
  }
});

describe('importPublicKey accepts and normalises to SPKI PEM', () => {
  const inputs: Array<[string, string]> = [
    ['SPKI PEM', pem(rsa.publicKey, 'spki')],
    ['PKCS#1 public PEM', pem(rsa.publicKey, 'pkcs1')],
    ['bare base64 SPKI DER (Alipay portal)', der64(rsa.publicKey, 'spki')],
    ['bare base64 PKCS#1 DER', der64(rsa.publicKey, 'pkcs1')],
  ];
  for (const [name, text] of inputs) {
    test(name, () => {
      const imported = importPublicKey(text);
      assert.equal(imported.pem, pem(rsa.publicKey, 'spki'));
      assert.ok(signsLike(rsa.privateKey, imported.key));
    });
  }
});

describe('importPrivateKey refuses', () => {
  test('an EC key (PKCS#8 and SEC1)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    assertRefused(() => importPrivateKey(pem(ec.privateKey, 'pkcs8')), 'merchantPrivateKey', /EC key.*RSA/, pem(ec.privateKey, 'pkcs8'));
    assertRefused(() => importPrivateKey(pem(ec.privateKey, 'sec1')), 'merchantPrivateKey', /EC key.*RSA/);
    assertRefused(() => importPrivateKey(der64(ec.privateKey, 'pkcs8')), 'merchantPrivateKey', /EC key/);
  });

  test('an Ed25519 key', () => {
    const ed = generateKeyPairSync('ed25519');
    assertRefused(() => importPrivateKey(pem(ed.privateKey, 'pkcs8')), 'merchantPrivateKey', /ED25519 key/);
  });

  test('a 1024-bit RSA key, in every encoding', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const text of [pem(small.privateKey, 'pkcs8'), pem(small.privateKey, 'pkcs1'), der64(small.privateKey, 'pkcs8')]) {
      assertRefused(() => importPrivateKey(text), 'merchantPrivateKey', /1024-bit.*at least 2048/, text);
    }
  });

  test('encrypted keys: PKCS#8 PEM, legacy PKCS#1 PEM and encrypted DER', () => {
    const secret = { cipher: 'aes-256-cbc', passphrase: 'hunter2' };
    const enc8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem', ...secret }) as string;
    const enc1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem', ...secret }) as string;
    const encDer = (rsa.privateKey.export({ type: 'pkcs8', format: 'der', ...secret }) as Buffer).toString('base64');
    for (const text of [enc8, enc1, encDer]) {
      assertRefused(() => importPrivateKey(text), 'merchantPrivateKey', /encrypted with a passphrase.*decrypt/i, text);
    }
  });

  test('a public key where the private key belongs', () => {
    const spki = pem(rsa.publicKey, 'spki');
    assertRefused(() => importPrivateKey(spki), 'merchantPrivateKey', /public key/, spki);
    assertRefused(() => importPrivateKey(der64(rsa.publicKey, 'spki')), 'merchantPrivateKey', /public key/);
  });

  test('garbage, empty text, truncated keys and mismatched PEM lines', () => {
    const full = der64(rsa.privateKey, 'pkcs8');
    const cases: Array<[string, RegExp]> = [
      ['', /is empty/],
      ['   \n ', /is empty/],
      ['hello, world!', /neither PEM .* nor base64/],
      [full.slice(0, 400), /does not decode/],
      ['QUJD', /does not decode/],
      [`-----BEGIN PRIVATE KEY-----\n${full.slice(0, 300)}\n-----END PRIVATE KEY-----`, /does not decode/],
      [`-----BEGIN PRIVATE KEY-----\n${full}\n-----END RSA PRIVATE KEY-----`, /BEGIN\/END lines do not match/],
      [`-----BEGIN PRIVATE KEY-----\n%%%not base64%%%\n-----END PRIVATE KEY-----`, /not valid base64/],
      [`${pem(rsa.privateKey, 'pkcs8')}${pem(rsa.privateKey, 'pkcs8')}`, /2 PEM blocks/],
      [`-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----`, /OpenSSH format/],
      ['x'.repeat(70_000), /longer than/],
    ];
    for (const [text, pattern] of cases) assertRefused(() => importPrivateKey(text), 'merchantPrivateKey', pattern, text);
  });

  test('the field passed in is the field reported', () => {
    assertRefused(() => importPrivateKey('nonsense!', 'sandboxGatewayPrivateKey'), 'sandboxGatewayPrivateKey', /sandbox gateway private key/);
  });
});

describe('importPublicKey refuses', () => {
  test('a private key, PEM or bare base64, without quietly deriving its public half', () => {
    for (const text of [pem(rsa.privateKey, 'pkcs8'), pem(rsa.privateKey, 'pkcs1'), der64(rsa.privateKey, 'pkcs8'), der64(rsa.privateKey, 'pkcs1')]) {
      assertRefused(() => importPublicKey(text), 'alipayPublicKey', /is a private key/, text);
    }
  });

  test('an EC public key and a 1024-bit RSA public key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    assertRefused(() => importPublicKey(pem(ec.publicKey, 'spki')), 'alipayPublicKey', /EC key/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    assertRefused(() => importPublicKey(der64(small.publicKey, 'spki')), 'alipayPublicKey', /1024-bit/);
  });

  test('garbage', () => {
    assertRefused(() => importPublicKey('not a key, at all!'), 'alipayPublicKey', /Alipay public key is neither PEM/);
    assertRefused(() => importPublicKey(der64(rsa.publicKey, 'spki').slice(0, 200)), 'alipayPublicKey', /does not decode/);
  });
});
