/**
 * SecretStore over keytar (libsecret's Secret Service on Linux, Keychain on macOS,
 * Credential Vault on Windows). The only file that loads keytar.
 *
 * Deliberately no fallback of any kind: when the keychain cannot be used, every call
 * rejects with KeychainUnavailableError and the till refuses to go live.
 */
import { randomBytes } from 'node:crypto';
import type * as KeytarModule from 'keytar';
import { KEYCHAIN_SERVICE, PROBE_ACCOUNT_PREFIX, accountFor, validateProfileId, validateSecretName } from './accounts';
import { KeychainError } from './errors';
import { inconsistentFailure, keytarFailure, moduleFailure, timeoutFailure } from './diagnose';
import type { SecretStore } from './secret-store';

/** The part of keytar used here. Never findCredentials: it segfaults on a locked collection. */
export type KeytarLike = Pick<typeof KeytarModule, 'getPassword' | 'setPassword' | 'deletePassword'>;

export interface KeychainOptions {
  /** Per call; an unanswered unlock prompt must not hang a checkout forever. */
  timeoutMs?: number;
  /** Replaces loading keytar (tests simulate a module that fails to load). */
  loadKeytar?: () => KeytarLike;
}

export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 10_000;

/** Longest secret accepted: keys are ~1.7 KB of PEM; anything far bigger is a mistake. */
const MAX_SECRET_LENGTH = 64 * 1024;

let keytarModule: KeytarLike | undefined;

/** Loaded on first use: a process that never touches secrets never maps libsecret. */
function loadKeytar(): KeytarLike {
  if (keytarModule === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      keytarModule = require('keytar') as KeytarLike;
    } catch (cause) {
      throw moduleFailure(cause);
    }
  }
  return keytarModule;
}

function withTimeout<T>(work: Promise<T>, ms: number, doing: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutFailure(doing, ms)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function validateSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new KeychainError('KEYCHAIN_SECRET_INVALID', 'A secret must be a non-empty string.');
  }
  // libsecret stores a C string: a NUL would silently cut the secret short.
  if (secret.includes('\0')) throw new KeychainError('KEYCHAIN_SECRET_INVALID', 'A secret cannot contain NUL characters.');
  if (secret.length > MAX_SECRET_LENGTH) {
    throw new KeychainError('KEYCHAIN_SECRET_INVALID', `A secret is at most ${MAX_SECRET_LENGTH} characters.`);
  }
}

export function createKeychain(profileId: string, options: KeychainOptions = {}): SecretStore {
  validateProfileId(profileId);
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const load = options.loadKeytar ?? loadKeytar;

  async function call<T>(doing: string, secret: string | undefined, run: (keytar: KeytarLike) => Promise<T>): Promise<T> {
    let keytar: KeytarLike;
    try {
      keytar = load();
    } catch (cause) {
      throw cause instanceof KeychainError ? cause : moduleFailure(cause);
    }
    let work: Promise<T>;
    try {
      work = run(keytar);
    } catch (cause) {
      throw keytarFailure(cause, doing, secret);
    }
    try {
      return await withTimeout(work, timeoutMs, doing);
    } catch (cause) {
      throw cause instanceof KeychainError ? cause : keytarFailure(cause, doing, secret);
    }
  }

  const raw = {
    get: (account: string, doing = `reading "${account}"`) =>
      call(doing, undefined, (k) => k.getPassword(KEYCHAIN_SERVICE, account)),
    set: (account: string, secret: string, doing = `writing "${account}"`) =>
      call(doing, secret, (k) => k.setPassword(KEYCHAIN_SERVICE, account, secret)),
    delete: (account: string, doing = `deleting "${account}"`) =>
      call(doing, undefined, (k) => k.deletePassword(KEYCHAIN_SERVICE, account)),
  };

  /**
   * A write, a read and a delete. A read alone proves nothing: libsecret answers "not
   * found" for items in a locked collection it cannot prompt to unlock, and only a write
   * fails there. The account is unique per probe so concurrent probes cannot disturb
   * each other.
   */
  async function probe(why = 'probing the keychain'): Promise<void> {
    const account = accountFor(profileId, `${PROBE_ACCOUNT_PREFIX}-${randomBytes(6).toString('hex')}`);
    const nonce = randomBytes(16).toString('hex');
    await raw.set(account, nonce, `${why} (test write)`);
    try {
      if ((await raw.get(account, `${why} (test read)`)) !== nonce) throw inconsistentFailure(why);
    } finally {
      await raw.delete(account, `${why} (test delete)`);
    }
  }

  return {
    profileId,
    async get(name) {
      const account = accountFor(profileId, validateSecretName(name));
      const value = await raw.get(account);
      // "Not found" may really mean "locked": only report absence from a usable keychain.
      if (value === null) await probe(`checking why "${account}" was not found`);
      return value;
    },
    async set(name, secret) {
      const account = accountFor(profileId, validateSecretName(name));
      validateSecret(secret);
      await raw.set(account, secret);
    },
    async delete(name) {
      const account = accountFor(profileId, validateSecretName(name));
      const deleted = await raw.delete(account);
      if (!deleted) await probe(`checking why "${account}" was not there to delete`);
      return deleted;
    },
    probe: () => probe(),
  };
}
