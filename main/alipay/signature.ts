import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * RSA2 = SHA256withRSA, PKCS#1 v1.5 (docs/protocol.md §1), over the exact UTF-8 bytes that travel.
 * Callers hold parsed KeyObjects: parsing PEM per call costs about 3x in throughput.
 */

export function signText(text: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The expected signature length in bytes for this key (the modulus size). */
function modulusBytes(publicKey: KeyObject): number {
  return Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
}

/**
 * Standard Base64 encoded once: a double-encoded value (a trap seen in a public sample)
 * or any other shape decodes to the wrong length and is refused before RSA runs.
 */
export function verifyText(text: string | Buffer, signatureB64: string, publicKey: KeyObject): boolean {
  if (signatureB64.length % 4 !== 0 || !BASE64.test(signatureB64)) return false;
  const signature = Buffer.from(signatureB64, 'base64');
  if (signature.length !== modulusBytes(publicKey)) return false;
  // Canonical only: the last character's unused bits must be zero, else one signature has
  // many spellings and a changed byte of the message would still be accepted.
  if (signature.toString('base64') !== signatureB64) return false;
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return verify('sha256', data, publicKey, signature);
}

export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}
