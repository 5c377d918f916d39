/**
 * What the rest of the till sees of the OS keychain. Names are the bare secret names
 * (see SECRET_ACCOUNTS); the store scopes them to its profile.
 */
export interface SecretStore {
  readonly profileId: string;
  /** The secret, or null when it is not stored. Never null because the keychain is unusable. */
  get(name: string): Promise<string | null>;
  set(name: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(name: string): Promise<boolean>;
  /** Resolves when the keychain can store and return a secret right now; else KeychainUnavailableError. */
  probe(): Promise<void>;
}
