import { ROUTER_ERROR_CODES } from '../../preload/contract';
import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import type { Actor } from '../journal/types';
import type { KeyVault } from './key-vault';
import { newSetupCode } from './pin-hash';
import { ConnectionThrottle, LOCKOUT, type LockoutPolicy } from './pin-throttle';
import type { SettingsStore } from './settings-store';

export { ConnectionThrottle, LOCKOUT, type LockoutPolicy } from './pin-throttle';

/**
 * The supervisor PIN: who may set it, and the lockout in front of it (docs/architecture.md,
 * "Who may change what the till trusts"). The PIN lives only as a salted hash in the
 * keychain (KeyVault); the count of wrong PINs and the lock are not secret and sit in the
 * settings table, so neither a restart nor a second window resets them. Checks run one at
 * a time, so two screens guessing at once cannot both slip under the limit.
 *
 * The first PIN is set at the terminal (`till keys set-pin`), or on a screen with the
 * one-time code `till keys set-pin --code` printed there: a screen alone (a cashier, the
 * customer display) can no longer make itself supervisor on a fresh till. Setting,
 * resetting and a lockout each raise a SUPERVISOR_PIN alarm the supervisor sees.
 */

export const LOCKOUT_SETTINGS = {
  failures: 'supervisor.pinFailures',
  lockedUntil: 'supervisor.pinLockedUntil',
  lockouts: 'supervisor.pinLockouts',
} as const;

/** How long a code from `till keys set-pin --code` may be typed on a screen. */
export const SETUP_CODE_TTL_MS = 15 * 60_000;

export const SUPERVISOR_PIN_ALARM = 'SUPERVISOR_PIN' as const;

/** Too many wrong PINs; `retryAfterMs` says when the next try is allowed. */
export class PinLockedError extends TillError {
  constructor(
    readonly retryAfterMs: number,
    field = 'pin',
  ) {
    super(ROUTER_ERROR_CODES.pinLocked, `Too many wrong PINs: try again in ${describeWait(retryAfterMs)}.`, { field });
  }
}

function describeWait(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (ms < 60_000) return `${Math.max(1, Math.ceil(ms / 1000))} seconds`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export class SupervisorPin {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly vault: KeyVault,
    private readonly settings: SettingsStore,
    private readonly journal: Journal,
    private readonly now: () => number,
    private readonly policy: LockoutPolicy = LOCKOUT,
  ) {}

  isSet(): Promise<boolean> {
    return this.vault.hasSupervisorPin();
  }

  /**
   * The first PIN from a screen, with the one-time code printed at the terminal. A wrong
   * code counts like a wrong PIN (same lockout); a right one is used up.
   */
  setupWithCode(code: string, pin: string, throttle?: ConnectionThrottle): Promise<void> {
    return this.serially(async () => {
      if (await this.vault.hasSupervisorPin()) {
        throw new TillError(ROUTER_ERROR_CODES.pinAlreadySet, 'A supervisor PIN is already set; log in, or change it with the current PIN.', { field: 'pin' });
      }
      this.assertNotLocked(throttle, 'code');
      const taken = await this.vault.takePinSetupCode(code, this.now());
      if (taken === 'none') {
        throw new TillError(
          ROUTER_ERROR_CODES.pinSetupCodeRequired,
          'The first supervisor PIN is set at the terminal: run `till keys set-pin` there, or `till keys set-pin --code` and type the code it prints here.',
          { field: 'code' },
        );
      }
      if (taken === 'expired') {
        throw new TillError(ROUTER_ERROR_CODES.pinSetupCodeInvalid, 'That setup code has expired: run `till keys set-pin --code` at the terminal for a new one.', { field: 'code' });
      }
      if (taken === 'mismatch') this.countFailure(throttle, 'code', (left) => `That is not the setup code the terminal printed. ${left}`, ROUTER_ERROR_CODES.pinSetupCodeInvalid);
      await this.vault.setSupervisorPin(pin);
      this.writeLockout(0, 0, 0);
      throttle?.succeeded();
      this.record('supervisor', 'supervisor_pin_set', 'SET_WITH_CODE', 'The supervisor PIN was set on a screen with a one-time code from the terminal.');
    });
  }

  /** `till keys set-pin`: whoever holds a shell on the terminal sets (or replaces) the PIN. */
  setAtTerminal(pin: string): Promise<void> {
    return this.serially(async () => {
      const replaced = await this.vault.hasSupervisorPin();
      await this.vault.setSupervisorPin(pin);
      await this.vault.deletePinSetupCode();
      this.writeLockout(0, 0, 0);
      this.record('cli', 'supervisor_pin_set', 'SET_AT_TERMINAL', `The supervisor PIN was ${replaced ? 'replaced' : 'set'} at the terminal (till keys set-pin).`);
    });
  }

  /** `till keys set-pin --code`: a code a screen may use once, within SETUP_CODE_TTL_MS, to set the first PIN. */
  issueSetupCode(): Promise<{ code: string; expiresAt: number }> {
    return this.serially(async () => {
      if (await this.vault.hasSupervisorPin()) {
        throw new TillError(
          ROUTER_ERROR_CODES.pinAlreadySet,
          'A supervisor PIN is already set: a setup code only sets the first one. Run `till keys reset-pin` first, or `till keys set-pin` to replace it here.',
          { field: 'pin' },
        );
      }
      const code = newSetupCode();
      const expiresAt = this.now() + SETUP_CODE_TTL_MS;
      await this.vault.setPinSetupCode(code, expiresAt);
      this.journal.appendEvent(null, 'cli', 'supervisor_pin_code_issued', { expiresAt });
      return { code, expiresAt };
    });
  }

  /** Resolves when `pin` is right; else PIN_INVALID, PIN_LOCKED (with retryAfterMs) or PIN_NOT_SET. */
  verify(pin: string, throttle?: ConnectionThrottle): Promise<void> {
    return this.serially(() => this.verifyNow(pin, 'pin', throttle));
  }

  change(currentPin: string, newPin: string, throttle?: ConnectionThrottle): Promise<void> {
    return this.serially(async () => {
      await this.verifyNow(currentPin, 'currentPin', throttle);
      await this.vault.setSupervisorPin(newPin);
      this.journal.appendEvent(null, 'supervisor', 'supervisor_pin_changed');
    });
  }

  /** Milliseconds until a PIN may be tried again on any screen; 0 when not locked. */
  lockedFor(): number {
    const left = this.readInt(LOCKOUT_SETTINGS.lockedUntil) - this.now();
    // A clock set back must not stretch a lock beyond the longest one.
    return left > 0 ? Math.min(left, this.policy.maxLockMs) : 0;
  }

  /**
   * A forgotten PIN, by whoever holds a shell on the terminal (the installer): the PIN, any
   * setup code and the lockout go; the PIN is then set again at the terminal.
   */
  reset(): Promise<boolean> {
    return this.serially(async () => {
      const removed = await this.vault.deleteSupervisorPin();
      await this.vault.deletePinSetupCode();
      this.writeLockout(0, 0, 0);
      this.record('cli', 'supervisor_pin_reset', 'RESET_AT_TERMINAL', 'The supervisor PIN was removed at the terminal (till keys reset-pin); screens cannot log in until a new one is set.');
      return removed;
    });
  }

  /** `till keys unlock-pin`: ends a lockout now, the PIN unchanged. Returns whether one was in force. */
  unlock(): Promise<boolean> {
    return this.serially(async () => {
      const wasLocked = this.lockedFor() > 0;
      this.writeLockout(0, 0, 0);
      this.journal.appendEvent(null, 'cli', 'supervisor_pin_unlocked', { wasLocked });
      return wasLocked;
    });
  }

  private async verifyNow(pin: string, field: string, throttle: ConnectionThrottle | undefined): Promise<void> {
    this.assertNotLocked(throttle, field);
    const check = await this.vault.checkSupervisorPin(pin);
    if (check === 'unset') {
      throw new TillError(ROUTER_ERROR_CODES.pinNotSet, 'No supervisor PIN is set yet: it is set at the terminal (`till keys set-pin`).', { field });
    }
    if (check === 'match') {
      this.writeLockout(0, 0, 0);
      throttle?.succeeded();
      return;
    }
    this.countFailure(throttle, field, (left) => `Wrong PIN. ${left}`, ROUTER_ERROR_CODES.pinInvalid);
  }

  private assertNotLocked(throttle: ConnectionThrottle | undefined, field: string): void {
    const wait = Math.max(this.lockedFor(), throttle?.waitFor(this.now()) ?? 0);
    if (wait > 0) throw new PinLockedError(wait, field);
  }

  /** Counts a wrong PIN (or code) on this screen and till-wide, and throws what the screen is told. */
  private countFailure(throttle: ConnectionThrottle | undefined, field: string, say: (left: string) => string, code: string): never {
    const screenWait = throttle?.failed(this.now()) ?? 0;
    const failures = this.readInt(LOCKOUT_SETTINGS.failures) + 1;
    if (failures >= this.policy.maxFailures) {
      const lockouts = this.readInt(LOCKOUT_SETTINGS.lockouts) + 1;
      const lockMs = Math.min(this.policy.baseLockMs * 2 ** Math.min(lockouts - 1, 30), this.policy.maxLockMs);
      this.writeLockout(0, this.now() + lockMs, lockouts);
      this.record('engine', 'supervisor_pin_locked', 'LOCKED', `${this.policy.maxFailures} wrong supervisor PINs in a row locked every screen for ${describeWait(lockMs)}. If that was not a supervisor, find out who tried; \`till keys unlock-pin\` at the terminal ends the lock.`);
      throw new PinLockedError(lockMs, field);
    }
    this.writeLockout(failures, this.readInt(LOCKOUT_SETTINGS.lockedUntil), this.readInt(LOCKOUT_SETTINGS.lockouts));
    if (screenWait > 0) throw new PinLockedError(screenWait, field);
    const left = this.policy.maxFailures - failures;
    throw new TillError(code, say(`${left} more ${left === 1 ? 'try' : 'tries'} before the supervisor screen locks.`), { field });
  }

  /** The journal event and the alarm for a change of who can be supervisor (a lockout: the till's own guard, 'engine'). */
  private record(actor: Actor, event: string, code: string, message: string): void {
    this.journal.atomically(`record ${event}`, () => {
      this.journal.appendEvent(null, actor, event);
      this.journal.raiseAlarm({ kind: SUPERVISOR_PIN_ALARM, code, message, actor });
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private readInt(key: string): number {
    const value = Number(this.settings.get(key) ?? '0');
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  }

  private writeLockout(failures: number, lockedUntil: number, lockouts: number): void {
    this.settings.setMany({
      [LOCKOUT_SETTINGS.failures]: String(failures),
      [LOCKOUT_SETTINGS.lockedUntil]: String(lockedUntil),
      [LOCKOUT_SETTINGS.lockouts]: String(lockouts),
    });
  }
}
