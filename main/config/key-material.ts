/**
 * RSA key material for RSA2 (SHA256withRSA): generate, import what merchants paste, check
 * that a pair belongs together, fingerprint for display. Pure node:crypto, no keychain.
 *
 * Every message here names the key and what is wrong with it, never any of its text: the
 * input may be a private key, and these messages end up on screens and in logs.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { TillError } from '../errors';

/** RSA2 requires 2048 bits or more (NOTES §1). */
export const MIN_RSA_BITS = 2048;

/** Anything longer is not a key someone pasted; refuse before parsing. */
const MAX_KEY_TEXT = 64 * 1024;

export interface RsaKeyPairPem {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

export interface ImportedKey {
  /** Normalised PEM: PKCS#8 for private keys, SPKI for public keys. */
  pem: string;
  key: KeyObject;
}

const LABELS: Record<string, string> = {
  merchantPrivateKey: 'merchant private key',
  alipayPublicKey: 'Alipay public key',
  sandboxGatewayPrivateKey: 'sandbox gateway private key',
  sandboxGatewayPublicKey: 'sandbox gateway public key',
};

function labelOf(field: string): string {
  return LABELS[field] ?? field;
}

function invalid(field: string, problem: string, cause?: unknown): TillError {
  const label = labelOf(field);
  const text = `The ${label} ${problem}`;
  return new TillError('KEY_INVALID', text, { field, cause });
}

const generateKeyPairAsync = promisify(generateKeyPair);

export async function generateRsaKeyPair(bits = MIN_RSA_BITS): Promise<RsaKeyPairPem> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

interface PemBlock {
  label: string;
  headers: string;
  der: Buffer;
}

type KeyText = { kind: 'pem'; block: PemBlock; text: string } | { kind: 'der'; der: Buffer };

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads what a merchant pasted: one PEM block, or the bare base64 DER the Alipay portal
 * hands out. Literal "\n" escapes (keys copied out of JSON) are accepted as line breaks.
 */
function readKeyText(raw: string, field: string): KeyText {
  if (typeof raw !== 'string') throw invalid(field, 'must be given as text.');
  if (raw.length > MAX_KEY_TEXT) throw invalid(field, `is longer than ${MAX_KEY_TEXT} characters; that is not a key.`);
  const text = raw.replace(/\\r/g, '').replace(/\\n/g, '\n').trim();
  if (text === '') throw invalid(field, 'is empty.');

  if (text.includes('-----BEGIN')) {
    const blocks = [...text.matchAll(PEM_BLOCK)];
    if (blocks.length === 0) throw invalid(field, 'looks like PEM but its BEGIN/END lines do not match.');
    if (blocks.length > 1) throw invalid(field, `contains ${blocks.length} PEM blocks; give exactly one key.`);
    const [whole, label = '', body = ''] = blocks[0] ?? [];
    // Legacy encrypted PEM puts RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") before the data.
    const headerEnd = body.search(/\r?\n\s*\r?\n/);
    const hasHeaders = /^\s*[A-Za-z-]+:/.test(body);
    const headers = hasHeaders && headerEnd >= 0 ? body.slice(0, headerEnd) : '';
    const data = (hasHeaders && headerEnd >= 0 ? body.slice(headerEnd) : body).replace(/\s+/g, '');
    if (headers === '' && !BASE64.test(data)) throw invalid(field, 'is PEM whose body is not valid base64.');
    return { kind: 'pem', block: { label, headers, der: Buffer.from(data, 'base64') }, text: whole ?? '' };
  }

  const data = text.replace(/\s+/g, '');
  if (!BASE64.test(data) || data.length % 4 === 1) {
    throw invalid(field, 'is neither PEM (-----BEGIN ...-----) nor base64-encoded DER.');
  }
  return { kind: 'der', der: Buffer.from(data, 'base64') };
}

function isPassphraseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MISSING_PASSPHRASE' || code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED';
}

function encryptedError(field: string, cause?: unknown): TillError {
  return invalid(
    field,
    'is encrypted with a passphrase; the till stores keys in the OS keychain and needs the plain key. ' +
      'Decrypt it first (openssl pkey -in KEY.pem -out plain.pem) and import that.',
    cause,
  );
}

function tryPrivateDer(der: Buffer, type: 'pkcs8' | 'pkcs1'): KeyObject | undefined {
  try {
    return createPrivateKey({ key: der, format: 'der', type });
  } catch (error) {
    if (type === 'pkcs8' && isPassphraseError(error)) throw error;
    return undefined;
  }
}

function tryPublicDer(der: Buffer, type: 'spki' | 'pkcs1'): KeyObject | undefined {
  try {
    return createPublicKey({ key: der, format: 'der', type });
  } catch {
    return undefined;
  }
}

function looksLikePrivateDer(der: Buffer): boolean {
  try {
    return tryPrivateDer(der, 'pkcs8') !== undefined || tryPrivateDer(der, 'pkcs1') !== undefined;
  } catch {
    return true; // an encrypted PKCS#8 private key
  }
}

function requireRsa(key: KeyObject, field: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    const type = key.asymmetricKeyType ?? 'unknown';
    const hint = type === 'rsa-pss' ? ' (RSA-PSS keys cannot make PKCS#1 v1.5 signatures)' : '';
    throw invalid(field, `is an ${type.toUpperCase()} key${hint}; Alipay RSA2 needs a plain RSA key.`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw invalid(field, `is a ${bits}-bit RSA key; RSA2 needs at least ${MIN_RSA_BITS} bits.`);
  }
  return key;
}

function privateFromPem(block: PemBlock, field: string): KeyObject {
  const { label } = block;
  if (label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/.test(block.headers)) throw encryptedError(field);
  if (label.endsWith('PUBLIC KEY') || label === 'CERTIFICATE') {
    throw invalid(field, `is a public key (${label}), but the private key is needed here.`);
  }
  if (label === 'OPENSSH PRIVATE KEY') {
    throw invalid(field, 'is in OpenSSH format; convert it to PKCS#8 (ssh-keygen -p -m PKCS8 -f KEY) first.');
  }
  if (label === 'EC PRIVATE KEY' || label === 'DSA PRIVATE KEY') {
    throw invalid(field, `is an ${label.split(' ')[0] ?? ''} key; Alipay RSA2 needs an RSA key.`);
  }
  const type = label === 'PRIVATE KEY' ? 'pkcs8' : label === 'RSA PRIVATE KEY' ? 'pkcs1' : undefined;
  if (type === undefined) {
    throw invalid(field, `is a PEM "${label}" block; expected "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1).`);
  }
  try {
    return createPrivateKey({ key: block.der, format: 'der', type });
  } catch (error) {
    if (isPassphraseError(error)) throw encryptedError(field, error);
    throw invalid(field, `is a "${label}" PEM block that does not decode as a key.`, error);
  }
}

function privateFromDer(der: Buffer, field: string): KeyObject {
  let key: KeyObject | undefined;
  try {
    key = tryPrivateDer(der, 'pkcs8') ?? tryPrivateDer(der, 'pkcs1');
  } catch (error) {
    throw encryptedError(field, error);
  }
  if (key !== undefined) return key;
  if (tryPublicDer(der, 'spki') ?? tryPublicDer(der, 'pkcs1')) {
    throw invalid(field, 'is a public key, but the private key is needed here.');
  }
  throw invalid(field, 'is base64 that does not decode as a PKCS#8 or PKCS#1 private key.');
}

function publicFromPem(block: PemBlock, text: string, field: string): KeyObject {
  const { label } = block;
  if (label.includes('PRIVATE KEY')) {
    throw invalid(field, 'is a private key; a public key is expected here. Never paste a private key into this field.');
  }
  try {
    if (label === 'PUBLIC KEY') return createPublicKey({ key: block.der, format: 'der', type: 'spki' });
    if (label === 'RSA PUBLIC KEY') return createPublicKey({ key: block.der, format: 'der', type: 'pkcs1' });
    // A certificate carries the public key; node extracts it from the PEM text.
    if (label === 'CERTIFICATE') return createPublicKey(text);
  } catch (error) {
    throw invalid(field, `is a "${label}" PEM block that does not decode as a public key.`, error);
  }
  throw invalid(field, `is a PEM "${label}" block; expected "PUBLIC KEY" (SPKI) or "RSA PUBLIC KEY" (PKCS#1).`);
}

function publicFromDer(der: Buffer, field: string): KeyObject {
  // A private key would also yield a public one; refuse it rather than quietly derive.
  if (looksLikePrivateDer(der)) {
    throw invalid(field, 'is a private key; a public key is expected here. Never paste a private key into this field.');
  }
  const key = tryPublicDer(der, 'spki') ?? tryPublicDer(der, 'pkcs1');
  if (key === undefined) throw invalid(field, 'is base64 that does not decode as an SPKI or PKCS#1 public key.');
  return key;
}

/**
 * Accepts PKCS#8 PEM, PKCS#1 PEM ("BEGIN RSA PRIVATE KEY") or bare base64 DER of either;
 * returns PKCS#8 PEM. Refuses non-RSA, under 2048 bits, encrypted, public, and garbage.
 */
export function importPrivateKey(text: string, field = 'merchantPrivateKey'): ImportedKey {
  const read = readKeyText(text, field);
  const key = requireRsa(read.kind === 'pem' ? privateFromPem(read.block, field) : privateFromDer(read.der, field), field);
  return { pem: key.export({ type: 'pkcs8', format: 'pem' }) as string, key };
}

/**
 * Accepts SPKI PEM, PKCS#1 public PEM, an X.509 certificate PEM, or bare base64 DER of SPKI
 * or PKCS#1; returns SPKI PEM. Refuses private keys outright.
 */
export function importPublicKey(text: string, field = 'alipayPublicKey'): ImportedKey {
  const read = readKeyText(text, field);
  const key = requireRsa(
    read.kind === 'pem' ? publicFromPem(read.block, read.text, field) : publicFromDer(read.der, field),
    field,
  );
  return { pem: key.export({ type: 'spki', format: 'pem' }) as string, key };
}

function asPrivate(key: string | KeyObject, field: string): KeyObject {
  if (typeof key === 'string') return importPrivateKey(key, field).key;
  if (key.type !== 'private') throw invalid(field, 'is not a private key.');
  return key;
}

function asPublic(key: string | KeyObject, field: string): KeyObject {
  if (typeof key === 'string') return importPublicKey(key, field).key;
  return key.type === 'private' ? createPublicKey(key) : key;
}

/** The SPKI PEM of a private key's public half: what a merchant uploads to Alipay. */
export function publicKeyFromPrivate(privateKey: string | KeyObject, field = 'merchantPrivateKey'): string {
  return createPublicKey(asPrivate(privateKey, field)).export({ type: 'spki', format: 'pem' }) as string;
}

/**
 * True when the public key verifies what the private key signs. A real signature round
 * trip (SHA256withRSA, as RSA2 uses) rather than a modulus comparison: it is what the
 * gateway will do with the pair.
 */
export function keysMatch(
  privateKey: string | KeyObject,
  publicKey: string | KeyObject,
  fields: { privateField?: string; publicField?: string } = {},
): boolean {
  const priv = asPrivate(privateKey, fields.privateField ?? 'merchantPrivateKey');
  const pub = asPublic(publicKey, fields.publicField ?? 'merchantPublicKey');
  const challenge = randomBytes(32);
  const signature = sign('sha256', challenge, priv);
  try {
    return verify('sha256', challenge, pub, signature);
  } catch {
    return false; // e.g. a non-RSA public key
  }
}

/**
 * A short, non-secret label for a key, for screens and `till keys status`: the first
 * 64 bits of SHA-256 over the SPKI DER, as hex in groups of four ("3f2a-9c01-77b2-e410").
 * Accepts a private key too (fingerprints its public half), so both sides of a pair agree.
 */
export function fingerprint(key: string | KeyObject): string {
  const pub = typeof key === 'string' ? asPublicOrPrivate(key) : key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  const hex = createHash('sha256').update(der).digest('hex').slice(0, 16);
  return hex.match(/.{4}/g)?.join('-') ?? hex;
}

function asPublicOrPrivate(text: string): KeyObject {
  return /PRIVATE KEY-----/.test(text) ? createPublicKey(importPrivateKey(text).key) : importPublicKey(text, 'publicKey').key;
}
