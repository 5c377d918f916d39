/**
 * The till's keys, kept in the OS keychain and parsed once. Signing parses no PEM: a
 * cached KeyObject signs ~3x faster (NOTES §1), and a checkout signs on every request.
 *
 * Nothing returned from here carries secret text except the KeyObjects themselves and
 * the ISV token, which stay in the main process.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { SECRET_ACCOUNTS, isKeychainError, type SecretStore } from '../../native/keychain';
import { TillError } from '../errors';
import { fingerprint, generateRsaKeyPair, importPrivateKey, importPublicKey, keysMatch } from './key-material';
import { isValidPin, isValidSetupCode } from '../../preload/contract';
import { assertNewPinFormat, hashPin, pinMatches, type PinCheck } from './pin-hash';

export type { PinCheck } from './pin-hash';

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

  /** This terminal's store server credential, or null when it has not joined a store. */
  getStoreToken(): Promise<string | null> {
    return this.read(SECRET_ACCOUNTS.storeToken);
  }

  async setStoreToken(token: string): Promise<void> {
    if (!/^[\x21-\x7e]{16,256}$/.test(token)) throw new TillError('TOKEN_INVALID', 'the store server sent a credential of an unexpected form', { field: 'token' });
    await this.write(SECRET_ACCOUNTS.storeToken, token);
  }

  async deleteStoreToken(): Promise<boolean> {
    try {
      return await this.store.delete(SECRET_ACCOUNTS.storeToken);
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

  /** Stores a salted hash of `pin` (6-12 digits), replacing any PIN set before. */
  async setSupervisorPin(pin: string): Promise<void> {
    assertNewPinFormat(pin, 'pin');
    await this.write(SECRET_ACCOUNTS.supervisorPinHash, await hashPin(pin));
  }

  /** Keeps a one-time setup code (`till keys set-pin --code`) hashed, with when it expires. */
  async setPinSetupCode(code: string, expiresAt: number): Promise<void> {
    await this.write(SECRET_ACCOUNTS.supervisorPinSetupCode, `${expiresAt}$${await hashPin(code)}`);
  }

  /**
   * Checks a setup code typed on a screen and uses it up when right: 'none' when no code
   * was issued, 'expired' (and forgotten) when too old, 'mismatch' when wrong.
   */
  async takePinSetupCode(code: string, now: number): Promise<'match' | 'mismatch' | 'expired' | 'none'> {
    const stored = await this.read(SECRET_ACCOUNTS.supervisorPinSetupCode);
    if (stored === null) return 'none';
    const cut = stored.indexOf('$');
    const expiresAt = Number(stored.slice(0, cut));
    if (!(cut > 0 && Number.isSafeInteger(expiresAt) && expiresAt > now)) {
      await this.deletePinSetupCode();
      return 'expired';
    }
    if (!isValidSetupCode(code) || !(await pinMatches(code, stored.slice(cut + 1)))) return 'mismatch';
    await this.deletePinSetupCode();
    return 'match';
  }

  async deletePinSetupCode(): Promise<boolean> {
    try {
      return await this.store.delete(SECRET_ACCOUNTS.supervisorPinSetupCode);
    } catch (error) {
      throw fromKeychain(error);
    }
  }

  /** Compares `pin` with the stored hash in constant time; 'unset' when no PIN is set. */
  async checkSupervisorPin(pin: string): Promise<PinCheck> {
    const stored = await this.read(SECRET_ACCOUNTS.supervisorPinHash);
    if (stored === null) return 'unset';
    // A value that cannot be a PIN is a mismatch, never an error that tells it apart.
    if (!isValidPin(pin)) return 'mismatch';
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
