/**
 * The till's keys, kept in the OS keychain and parsed once. Signing parses no PEM: a
 * cached KeyObject signs ~3x faster (NOTES §1), and a checkout signs on every request.
 *
 * Nothing returned from here carries secret text except the KeyObjects themselves and
 * the ISV token, which stay in the main process.
 */
import { createPublicKey, randomBytes, scrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SECRET_ACCOUNTS, isKeychainError, type SecretStore } from '../../native/keychain';
import { TillError } from '../errors';
import { fingerprint, generateRsaKeyPair, importPrivateKey, importPublicKey, keysMatch } from './key-material';

export interface KeyInfo {
  /** SPKI PEM; for the merchant key, what is uploaded to the Alipay portal. */
  publicKeyPem: string;
  fingerprint: string;
}

export interface KeyPresence {
  present: boolean;
  /** False when something is stored but does not parse as a usable key. */
  valid: boolean;
  /** Of the public half; null unless present and valid. */
  fingerprint: string | null;
}

export interface KeyStatus {
  merchantPrivateKey: KeyPresence;
  alipayPublicKey: KeyPresence;
  /**
   * The stored merchant private key signs and its published public half verifies; null
   * without a valid private key.
   */
  merchantKeyPairConsistent: boolean | null;
  /**
   * The stored "Alipay" public key is the merchant's own: responses would be checked
   * against the wrong key (the most common integration bug). null unless both are valid.
   */
  alipayKeyIsMerchantKey: boolean | null;
  supervisorPinSet: boolean;
  isvTokenSet: boolean;
}

export interface ReplaceOption {
  /** Overwrite an existing, different merchant key (it is registered with Alipay). */
  replace?: boolean;
}

const MISSING_HINTS = {
  merchantPrivateKey:
    'No merchant private key is stored for this till profile: run `till keys generate` and upload the ' +
    'printed public key to the Alipay portal (or import the existing merchant private key).',
  alipayPublicKey:
    'No Alipay public key is stored for this till profile: download it from the Alipay portal and run ' +
    '`till keys import-alipay-public FILE`.',
} as const;

const MAX_TOKEN_LENGTH = 4096;

/**
 * The supervisor PIN is kept as `scrypt$N$r$p$salt$hash` (base64), never as the PIN. The
 * lockout in front of it is what stops guessing (a 4-digit PIN has 10^4 values); the hash
 * keeps the PIN itself out of the keychain's plain view. Parameters travel with the hash,
 * and are bounded on reading so a tampered entry cannot make a check allocate gigabytes.
 */
const PIN_FORMAT = /^[0-9]{4,12}$/;
const PIN_SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;
const PIN_HASH_PATTERN = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d)\$([A-Za-z0-9+/]{22,}={0,2})\$([A-Za-z0-9+/]{43}=)$/;

export type PinCheck = 'match' | 'mismatch' | 'unset';

function assertPinFormat(pin: string, field: string): void {
  if (typeof pin !== 'string' || !PIN_FORMAT.test(pin)) {
    throw new TillError('PIN_FORMAT', 'A supervisor PIN is 4 to 12 digits.', { field });
  }
}

function scryptAsync(pin: string, salt: Buffer, options: { N: number; r: number; p: number }, keyLength: number): Promise<Buffer> {
  const maxmem = 128 * options.N * options.r * 2;
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, keyLength, { ...options, maxmem }, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength } = PIN_SCRYPT;
  const derived = await scryptAsync(pin, salt, { N, r, p }, keyLength);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${derived.toString('base64')}`;
}

async function pinMatches(pin: string, stored: string): Promise<boolean> {
  const m = PIN_HASH_PATTERN.exec(stored);
  const [N, r, p] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!m || N < 2 ** 10 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 16 || p < 1 || p > 4) {
    throw new TillError('PIN_HASH_INVALID', 'The stored supervisor PIN hash is unreadable: the keychain entry was changed outside the till.', {
      field: 'supervisorPin',
    });
  }
  const expected = Buffer.from(m[5]!, 'base64');
  const derived = await scryptAsync(pin, Buffer.from(m[4]!, 'base64'), { N, r, p }, expected.length);
  return timingSafeEqual(derived, expected);
}

/** Keychain errors cross into main/ as TillErrors with the same code and message. */
function fromKeychain(error: unknown): unknown {
  if (!isKeychainError(error)) return error;
  return new TillError(error.code, error.message, { cause: error });
}

/**
 * One lazily loaded value; concurrent callers share the load. A failed load is not kept,
 * so the next call retries (e.g. once the keyring has been unlocked).
 */
class Cached<T> {
  private value: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.value === undefined) {
      const loading = this.load();
      this.value = loading;
      loading.catch(() => {
        if (this.value === loading) this.value = undefined;
      });
    }
    return this.value;
  }

  set(value: T): void {
    this.value = Promise.resolve(value);
  }

  clear(): void {
    this.value = undefined;
  }
}

export class KeyVault {
  private readonly merchantKey = new Cached(() =>
    this.loadKey('merchantPrivateKey', (pem) => importPrivateKey(pem, 'merchantPrivateKey').key),
  );
  private readonly alipayKey = new Cached(() =>
    this.loadKey('alipayPublicKey', (pem) => importPublicKey(pem, 'alipayPublicKey').key),
  );
  private readonly sandboxKey = new Cached(() => this.loadOrCreateSandboxKey());
  private readonly isvToken = new Cached(() => this.read(SECRET_ACCOUNTS.isvAccessToken));

  constructor(private readonly store: SecretStore) {}

  getMerchantPrivateKey(): Promise<KeyObject> {
    return this.merchantKey.get();
  }

  getAlipayPublicKey(): Promise<KeyObject> {
    return this.alipayKey.get();
  }

  /** SPKI PEM of the merchant's public key: what the merchant uploads to Alipay. */
  async merchantPublicKeyPem(): Promise<string> {
    return createPublicKey(await this.getMerchantPrivateKey()).export({ type: 'spki', format: 'pem' }) as string;
  }

  /** A fresh 2048-bit merchant key. Refuses to replace an existing one unless asked. */
  async generateMerchantKey(options: ReplaceOption = {}): Promise<KeyInfo> {
    await this.refuseToReplace(options, undefined);
    const pair = await generateRsaKeyPair();
    return this.storeMerchantKey(importPrivateKey(pair.privateKeyPem, 'merchantPrivateKey'));
  }

  /** PKCS#8 PEM, PKCS#1 PEM or bare base64; stored as PKCS#8. Re-importing the same key is a no-op. */
  async importMerchantPrivateKey(text: string, options: ReplaceOption = {}): Promise<KeyInfo> {
    const imported = importPrivateKey(text, 'merchantPrivateKey');
    await this.refuseToReplace(options, imported.pem);
    return this.storeMerchantKey(imported);
  }

  /** SPKI PEM, PKCS#1 PEM, certificate PEM or bare base64; stored as SPKI. Replaces freely (key rotation). */
  async importAlipayPublicKey(text: string): Promise<KeyInfo> {
    const imported = importPublicKey(text, 'alipayPublicKey');
    const merchant = tryParse(await this.read(SECRET_ACCOUNTS.merchantPrivateKey), (pem) => importPrivateKey(pem).key);
    if (merchant.key !== undefined && sameKey(merchant.key, imported.key)) {
      throw new TillError(
        'KEY_INVALID',
        "The Alipay public key given is the merchant's own public key. Alipay's answers are signed with " +
          "Alipay's key: download the Alipay public key from the Alipay portal.",
        { field: 'alipayPublicKey' },
      );
    }
    await this.write(SECRET_ACCOUNTS.alipayPublicKey, imported.pem);
    this.alipayKey.set(imported.key);
    return { publicKeyPem: imported.pem, fingerprint: fingerprint(imported.key) };
  }

  /**
   * The built-in sandbox gateway's own signing key (it plays Alipay), generated on first
   * use. It protects nothing real, but lives in the keychain like every other key.
   */
  getSandboxGatewayPrivateKey(): Promise<KeyObject> {
    return this.sandboxKey.get();
  }

  /** What the till verifies sandbox answers with, in place of the Alipay public key. */
  async getSandboxGatewayPublicKey(): Promise<KeyObject> {
    return createPublicKey(await this.getSandboxGatewayPrivateKey());
  }

  /** The ISV access token, or null when this till does not use one. */
  getIsvToken(): Promise<string | null> {
    return this.isvToken.get();
  }

  async setIsvToken(token: string): Promise<void> {
    const value = typeof token === 'string' ? token.trim() : '';
    if (value === '' || value.length > MAX_TOKEN_LENGTH || /[\s\p{Cc}]/u.test(value)) {
      throw new TillError(
        'TOKEN_INVALID',
        `The ISV access token must be 1-${MAX_TOKEN_LENGTH} characters without spaces or control characters.`,
        { field: 'isvAccessToken' },
      );
    }
    await this.write(SECRET_ACCOUNTS.isvAccessToken, value);
    this.isvToken.set(value);
  }

  async deleteIsvToken(): Promise<boolean> {
    this.isvToken.clear();
    try {
      return await this.store.delete(SECRET_ACCOUNTS.isvAccessToken);
    } catch (error) {
      throw fromKeychain(error);
    }
  }

  /** Forgets the supervisor PIN (`till keys reset-pin`): the next supervisor sets a new one. */
  async deleteSupervisorPin(): Promise<boolean> {
    try {
      return await this.store.delete(SECRET_ACCOUNTS.supervisorPinHash);
    } catch (error) {
      throw fromKeychain(error);
    }
  }

  /** Whether a supervisor PIN is set; fresh from the keychain. */
  async hasSupervisorPin(): Promise<boolean> {
    return (await this.read(SECRET_ACCOUNTS.supervisorPinHash)) !== null;
  }

  /** Stores a salted hash of `pin` (4-12 digits), replacing any PIN set before. */
  async setSupervisorPin(pin: string): Promise<void> {
    assertPinFormat(pin, 'pin');
    await this.write(SECRET_ACCOUNTS.supervisorPinHash, await hashPin(pin));
  }

  /** Compares `pin` with the stored hash in constant time; 'unset' when no PIN is set. */
  async checkSupervisorPin(pin: string): Promise<PinCheck> {
    const stored = await this.read(SECRET_ACCOUNTS.supervisorPinHash);
    if (stored === null) return 'unset';
    // A value that cannot be a PIN is a mismatch, never an error that tells it apart.
    if (typeof pin !== 'string' || !PIN_FORMAT.test(pin)) return 'mismatch';
    return (await pinMatches(pin, stored)) ? 'match' : 'mismatch';
  }

  /** Drops parsed keys so the next use re-reads the keychain (e.g. after `till keys` ran elsewhere). */
  forget(): void {
    this.merchantKey.clear();
    this.alipayKey.clear();
    this.sandboxKey.clear();
    this.isvToken.clear();
  }

  /** Which keys are present and usable; fresh from the keychain, never any secret value. */
  async status(): Promise<KeyStatus> {
    const [merchantPem, alipayPem, pinHash, token] = await Promise.all([
      this.read(SECRET_ACCOUNTS.merchantPrivateKey),
      this.read(SECRET_ACCOUNTS.alipayPublicKey),
      this.read(SECRET_ACCOUNTS.supervisorPinHash),
      this.read(SECRET_ACCOUNTS.isvAccessToken),
    ]);
    const merchant = tryParse(merchantPem, (pem) => importPrivateKey(pem, 'merchantPrivateKey').key);
    const alipay = tryParse(alipayPem, (pem) => importPublicKey(pem, 'alipayPublicKey').key);
    const merchantPublic = merchant.key === undefined ? undefined : createPublicKey(merchant.key);
    return {
      merchantPrivateKey: merchant.presence,
      alipayPublicKey: alipay.presence,
      merchantKeyPairConsistent:
        merchant.key === undefined || merchantPublic === undefined ? null : keysMatch(merchant.key, merchantPublic),
      alipayKeyIsMerchantKey:
        merchantPublic === undefined || alipay.key === undefined
          ? null
          : sameKey(merchantPublic, alipay.key),
      supervisorPinSet: pinHash !== null,
      isvTokenSet: token !== null,
    };
  }

  private async storeMerchantKey(imported: { pem: string; key: KeyObject }): Promise<KeyInfo> {
    await this.write(SECRET_ACCOUNTS.merchantPrivateKey, imported.pem);
    this.merchantKey.set(imported.key);
    const publicKey = createPublicKey(imported.key);
    return {
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
      fingerprint: fingerprint(publicKey),
    };
  }

  private async refuseToReplace(options: ReplaceOption, incomingPem: string | undefined): Promise<void> {
    if (options.replace === true) return;
    const existing = await this.read(SECRET_ACCOUNTS.merchantPrivateKey);
    if (existing === null || existing === incomingPem) return;
    throw new TillError(
      'KEY_EXISTS',
      'A merchant private key is already stored for this till profile and its public key may be registered ' +
        'with Alipay; replacing it breaks payments until the new public key is uploaded. Replace it explicitly ' +
        '(`--replace`) if that is intended.',
      { field: 'merchantPrivateKey' },
    );
  }

  private async loadOrCreateSandboxKey(): Promise<KeyObject> {
    const pem = await this.read(SECRET_ACCOUNTS.sandboxGatewayPrivateKey);
    if (pem !== null) return importPrivateKey(pem, 'sandboxGatewayPrivateKey').key;
    const pair = await generateRsaKeyPair();
    await this.write(SECRET_ACCOUNTS.sandboxGatewayPrivateKey, pair.privateKeyPem);
    return importPrivateKey(pair.privateKeyPem, 'sandboxGatewayPrivateKey').key;
  }

  private async loadKey(field: keyof typeof MISSING_HINTS, parse: (pem: string) => KeyObject): Promise<KeyObject> {
    const pem = await this.read(SECRET_ACCOUNTS[field]);
    if (pem === null) throw new TillError('KEY_MISSING', MISSING_HINTS[field], { field });
    return parse(pem);
  }

  private async read(name: string): Promise<string | null> {
    try {
      return await this.store.get(name);
    } catch (error) {
      throw fromKeychain(error);
    }
  }

  private async write(name: string, secret: string): Promise<void> {
    try {
      await this.store.set(name, secret);
    } catch (error) {
      throw fromKeychain(error);
    }
  }
}

function tryParse(pem: string | null, parse: (pem: string) => KeyObject): { presence: KeyPresence; key?: KeyObject } {
  if (pem === null) return { presence: { present: false, valid: false, fingerprint: null } };
  try {
    const key = parse(pem);
    return { presence: { present: true, valid: true, fingerprint: fingerprint(key) }, key };
  } catch {
    return { presence: { present: true, valid: false, fingerprint: null } };
  }
}

/** Same public key, whichever half of a pair each side is. */
function sameKey(a: KeyObject, b: KeyObject): boolean {
  const spki = (key: KeyObject) =>
    (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' }) as Buffer;
  return spki(a).equals(spki(b));
}
