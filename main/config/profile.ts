import crypto from 'node:crypto';
import { TillError } from '../errors';
import type { SettingsStore } from './settings-store';

/**
 * Identity of one till installation's data. The id is not a secret: it scopes the OS
 * keychain accounts, so two data directories on one machine never share keys. Both
 * values are generated once and never change (a new terminal id would split the
 * terminal's history at the gateway).
 */
export interface Profile {
  readonly id: string;
  /** Default for `terminal.id` when the installer did not set one. */
  readonly generatedTerminalId: string;
}

export const PROFILE_ID_KEY = 'profile.id';
export const PROFILE_TERMINAL_ID_KEY = 'profile.terminalId';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TERMINAL_ID_PATTERN = /^T[0-9A-F]{8}$/;

export interface ProfileGenerators {
  uuid(): string;
  terminalId(): string;
}

const defaultGenerators: ProfileGenerators = {
  uuid: () => crypto.randomUUID(),
  terminalId: generateTerminalId,
};

/** `T` + 8 uppercase hex characters, e.g. `T3F09A1C2`. */
export function generateTerminalId(): string {
  return `T${crypto.randomBytes(4).toString('hex').toUpperCase()}`;
}

/** Returns the profile, creating the missing parts exactly once (atomically, across processes). */
export function ensureProfile(store: SettingsStore, generators: ProfileGenerators = defaultGenerators): Profile {
  return store.transaction(() => {
    const id = store.setIfAbsent(PROFILE_ID_KEY, generators.uuid());
    const generatedTerminalId = store.setIfAbsent(PROFILE_TERMINAL_ID_KEY, generators.terminalId());
    return checked({ id, generatedTerminalId });
  });
}

/** The profile if it was created already; never writes (usable on a read-only database). */
export function readProfile(store: SettingsStore): Profile | undefined {
  const id = store.get(PROFILE_ID_KEY);
  const generatedTerminalId = store.get(PROFILE_TERMINAL_ID_KEY);
  if (id === undefined || generatedTerminalId === undefined) return undefined;
  return checked({ id, generatedTerminalId });
}

/** A hand-edited profile would silently point at another keychain account: refuse it. */
function checked(profile: Profile): Profile {
  if (!UUID_PATTERN.test(profile.id)) {
    throw new TillError('PROFILE_INVALID', `stored ${PROFILE_ID_KEY} ${JSON.stringify(profile.id)} is not a lowercase UUID`, { field: PROFILE_ID_KEY });
  }
  if (!TERMINAL_ID_PATTERN.test(profile.generatedTerminalId)) {
    throw new TillError(
      'PROFILE_INVALID',
      `stored ${PROFILE_TERMINAL_ID_KEY} ${JSON.stringify(profile.generatedTerminalId)} is not T followed by 8 uppercase hex digits`,
      { field: PROFILE_TERMINAL_ID_KEY },
    );
  }
  return Object.freeze({ ...profile });
}
