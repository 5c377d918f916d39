import { TERMINAL_ONLY_SETTINGS } from '../../preload/contract/channels';
import { TillError } from '../errors';
import { Journal } from '../journal/journal';
import type { Actor, AlarmKind } from '../journal/types';
import type { SettingsStore } from './settings-store';
import { recordTrustChanges, trustSnapshot } from './trust-audit';

/*
 * Whether this till takes real money is said, never guessed (issue 10 §4). Until it was
 * stored, "sandbox" was read from a loopback gateway URL, so a live till behind a local
 * forwarding proxy verified answers with the sandbox key and showed the sandbox banner
 * while real money moved. Now `profile.mode` decides:
 *
 * - sandbox: answers are checked with the built-in sandbox gateway's own key, the screens,
 *   slips and CLI say SANDBOX, and the gateway must be on this machine (loopback), so a
 *   sandbox key can never be the one that vouches for a real gateway's answers;
 * - live: answers are checked with the imported Alipay public key whatever the URL (none
 *   imported: nothing is sent), and nothing says sandbox.
 *
 * It is changed at the terminal only (`till config set profile.mode`), never from a screen,
 * and every change is journaled and raises an alarm the supervisor sees.
 */

export const PROFILE_MODE_KEY = 'profile.mode';
export const PROFILE_MODES = ['sandbox', 'live'] as const;
export type ProfileMode = (typeof PROFILE_MODES)[number];

/** A fresh data directory is a sandbox profile on the built-in sandbox's address. */
export const DEFAULT_MODE: ProfileMode = 'sandbox';
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8787';

/** Keys the screens' settings.set may not change: what decides whether money moves (shared with the screens). */
export const TERMINAL_ONLY_KEYS: readonly string[] = TERMINAL_ONLY_SETTINGS;

/** Non-secret alarm kind for a change of mode; not blocking (the change was made on purpose, at the till). */
export const PROFILE_MODE_ALARM: AlarmKind = 'PROFILE_MODE';

/** True for the hosts plain http is allowed to: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}

function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHostname(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * A sandbox profile talks to the built-in sandbox only. `field` is the key the caller was
 * changing (named in the refusal), or profile.mode for a stored pair found wrong later.
 */
export function assertModeFitsGateway(mode: string, baseUrl: string, field: string): void {
  if (mode !== 'sandbox' || isLoopbackUrl(baseUrl)) return;
  throw new TillError(
    'PROFILE_MODE_MISMATCH',
    `profile.mode is sandbox but gateway.baseUrl ${baseUrl} is not on this machine: a sandbox profile checks answers with the ` +
      'built-in sandbox key, so it may only talk to a loopback gateway (127.0.0.0/8, ::1, localhost). For real payments run ' +
      '`till config set profile.mode live` at the till (and import the Alipay public key); for the sandbox, set gateway.baseUrl to its loopback address.',
    { field },
  );
}

/**
 * Stores the mode of a data directory that has none, once (atomically across processes):
 * a fresh directory is sandbox; one made by a till from before profile.mode keeps what it
 * was treated as then, derived one last time from its stored gateway.baseUrl (loopback:
 * sandbox, else live), the decision and its basis journaled.
 */
export function ensureProfileMode(store: SettingsStore): ProfileMode {
  const stored = store.get(PROFILE_MODE_KEY);
  if (stored !== undefined) return stored as ProfileMode;
  return store.transaction(() => {
    const again = store.get(PROFILE_MODE_KEY);
    if (again !== undefined) return again as ProfileMode;
    const storedUrl = store.get('gateway.baseUrl');
    const mode: ProfileMode = isLoopbackUrl(storedUrl ?? DEFAULT_BASE_URL) ? 'sandbox' : 'live';
    store.set(PROFILE_MODE_KEY, mode);
    // Journaled only when an address decided it; a fresh directory (no address) is the
    // sandbox by default, and its journal stays empty until something happens.
    if (storedUrl !== undefined) {
      const basis = `derived once from the stored gateway.baseUrl's host ${hostOf(storedUrl)}`;
      new Journal(store.db).appendEvent(null, 'recovery', 'profile_mode_recorded', { from: null, to: mode, basis });
    }
    return mode;
  });
}

function modeOf(store: SettingsStore): ProfileMode {
  return (store.get(PROFILE_MODE_KEY) ?? DEFAULT_MODE) as ProfileMode;
}

/**
 * Runs a settings write in one transaction with the record of any change of mode or of
 * a trust setting it makes (trust-audit.ts), so neither can be stored without its
 * journal event and alarm. The screens can change neither (router): the `till` command is
 * the one way, hence 'cli'.
 */
export function auditedWrite<T>(store: SettingsStore, write: () => T): T {
  return store.transaction(() => {
    const before = modeOf(store);
    const trustBefore = trustSnapshot(store);
    const result = write();
    const after = modeOf(store);
    if (after !== before) recordModeChange(store, before, after, 'cli');
    recordTrustChanges(store, trustBefore, trustSnapshot(store), 'cli');
    return result;
  });
}

/** The journal event (old → new) and the alarm the supervisor sees: who switched the till, and which way. */
function recordModeChange(store: SettingsStore, from: ProfileMode, to: ProfileMode, actor: Actor): void {
  const journal = new Journal(store.db);
  journal.appendEvent(null, actor, 'profile_mode_changed', { from, to });
  const effect = to === 'live' ? 'real money moves now, answers are checked with the imported Alipay key' : 'payments are pretend now, no money moves';
  journal.raiseAlarm({
    kind: PROFILE_MODE_ALARM,
    code: `${from.toUpperCase()}_TO_${to.toUpperCase()}`,
    message: `The till was switched from ${from} to ${to} at the terminal (till config set profile.mode): ${effect}. Clear this alarm once you know it was intended.`,
    actor,
  });
}
