/**
 * Where the till's secrets live in the OS keychain: one fixed service name, and accounts
 * "<profileId>/<name>" so that several profiles (e.g. sandbox and live) on one machine
 * never read each other's keys.
 */
import { KeychainError } from './errors';

/** Fixed forever: changing it would orphan every installed till's keys. */
export const KEYCHAIN_SERVICE = 'alipay-till';

/** The secrets the till keeps. Values are part of the on-disk contract: never rename. */
export const SECRET_ACCOUNTS = {
  merchantPrivateKey: 'merchant-private-key',
  alipayPublicKey: 'alipay-public-key',
  supervisorPinHash: 'supervisor-pin-hash',
  /** A one-time code (hashed, with its expiry) that lets a screen set the first PIN. */
  supervisorPinSetupCode: 'supervisor-pin-setup-code',
  isvAccessToken: 'isv-access-token',
  /** This terminal's credential at the store server (`till store join`); the server keeps only its hash. */
  storeToken: 'store-token',
  /** The built-in sandbox gateway signs its answers with its own key (it plays Alipay). */
  sandboxGatewayPrivateKey: 'sandbox-gateway-private-key',
} as const;

export type SecretAccountName = (typeof SECRET_ACCOUNTS)[keyof typeof SECRET_ACCOUNTS];

/** Reserved for `probe()`; callers cannot use it, so a probe never clobbers a secret. */
export const PROBE_ACCOUNT_PREFIX = 'keychain-probe';

const PROFILE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SECRET_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function validateProfileId(profileId: string): string {
  if (typeof profileId !== 'string' || !PROFILE_ID.test(profileId)) {
    throw new KeychainError(
      'KEYCHAIN_PROFILE_INVALID',
      'A keychain profile id is 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
  }
  return profileId;
}

export function validateSecretName(name: string): string {
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) {
    throw new KeychainError(
      'KEYCHAIN_ACCOUNT_INVALID',
      'A keychain secret name is 1-64 characters of lower-case letters, digits, ".", "_" or "-".',
    );
  }
  if (name.startsWith(PROBE_ACCOUNT_PREFIX)) {
    throw new KeychainError('KEYCHAIN_ACCOUNT_INVALID', `Secret names starting with "${PROBE_ACCOUNT_PREFIX}" are reserved.`);
  }
  return name;
}

export function accountFor(profileId: string, name: string): string {
  return `${profileId}/${name}`;
}
