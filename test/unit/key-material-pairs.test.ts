// Generated keys, pair checks and fingerprints: what the vault relies on to tell the
// merchant which key is which and whether a pair belongs together.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  MIN_RSA_BITS,
  fingerprint,
  generateRsaKeyPair,
  importPrivateKey,
  keysMatch,
  publicKeyFromPrivate,
} from '../../main/config/key-material';
import { isTillError } from '../../main/errors';

describe('generateRsaKeyPair', () => {
  test('makes a 2048-bit RSA pair as PKCS#8 and SPKI PEM that signs and verifies (RSA2)', async () => {
    const pair = await generateRsaKeyPair();
    assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
    const privateKey = createPrivateKey(pair.privateKeyPem);
    assert.equal(privateKey.asymmetricKeyType, 'rsa');
    assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, MIN_RSA_BITS);
    const data = Buffer.from('{"request":{}}');
    assert.ok(verify('sha256', data, pair.publicKeyPem, sign('sha256', data, privateKey)));
    assert.ok(keysMatch(pair.privateKeyPem, pair.publicKeyPem));
  });

  test('two calls give different keys', async () => {
    const [a, b] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
    assert.notEqual(fingerprint(a.publicKeyPem), fingerprint(b.publicKeyPem));
  });
});

describe('keysMatch', () => {
  const one = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const two = generateKeyPairSync('rsa', { modulusLength: 2048 });

  test('true for a pair, as PEM strings or KeyObjects', () => {
    assert.equal(keysMatch(one.privateKey, one.publicKey), true);
    assert.equal(
      keysMatch(one.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string, one.publicKey.export({ type: 'spki', format: 'pem' }) as string),
      true,
    );
  });

  test('false for a mismatched pair', () => {
    assert.equal(keysMatch(one.privateKey, two.publicKey), false);
    assert.equal(keysMatch(two.privateKey, one.publicKey), false);
  });

  test('false, not a crash, against a non-RSA public key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    assert.equal(keysMatch(one.privateKey, ec.publicKey), false);
  });

  test('refuses a public KeyObject where the private key belongs', () => {
    assert.throws(() => keysMatch(one.publicKey, one.publicKey), (error) => isTillError(error, 'KEY_INVALID'));
  });
});

describe('publicKeyFromPrivate and fingerprint', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spkiPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;

  test('derives the SPKI PEM the merchant uploads', () => {
    assert.equal(publicKeyFromPrivate(pair.privateKey), spkiPem);
    assert.equal(publicKeyFromPrivate(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string), spkiPem);
  });

  test('is short, stable, and the same for both halves of a pair and every encoding', () => {
    const print = fingerprint(pair.publicKey);
    assert.match(print, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    assert.equal(fingerprint(pair.privateKey), print);
    assert.equal(fingerprint(spkiPem), print);
    assert.equal(fingerprint(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), print);
    assert.equal(fingerprint(createPublicKey(importPrivateKey((pair.privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer).toString('base64')).key)), print);
  });

  test('differs between keys', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.notEqual(fingerprint(other.publicKey), fingerprint(pair.publicKey));
  });
});
