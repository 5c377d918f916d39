/** The OS keychain, as the rest of the till sees it. */
export type { SecretStore } from './secret-store';
export { createKeychain, DEFAULT_KEYCHAIN_TIMEOUT_MS, type KeychainOptions, type KeytarLike } from './keytar-store';
export {
  KEYCHAIN_SERVICE,
  SECRET_ACCOUNTS,
  type SecretAccountName,
  accountFor,
  validateProfileId,
  validateSecretName,
} from './accounts';
export { KeychainError, KeychainUnavailableError, isKeychainError, type UnavailableReason } from './errors';
