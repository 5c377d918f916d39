import { ROUTER_ERROR_CODES } from '../../preload/contract';
import type { KeyVault } from '../config/keys';
import type { SettingsStore } from '../config/settings-store';
import { TillError } from '../errors';
import { PinLockedError } from './error-view';

/**
 * The supervisor PIN and the lockout in front of it. The PIN lives only as a salted hash
 * in the keychain (KeyVault); the count of wrong PINs and the lock are not secret and sit
 * in the settings table, so neither a restart nor a second window resets them. Checks run
 * one at a time, so two screens guessing at once cannot both slip under the limit.
 */

export interface LockoutPolicy {
  /** Wrong PINs in a row that lock the supervisor screen. */
  maxFailures: number;
  /** The first lock; each further lock before a right PIN lasts twice as long. */
  baseLockMs: number;
  maxLockMs: number;
}

export const LOCKOUT: LockoutPolicy = { maxFailures: 5, baseLockMs: 5 * 60_000, maxLockMs: 24 * 60 * 60_000 };

export const LOCKOUT_SETTINGS = {
  failures: 'supervisor.pinFailures',
  lockedUntil: 'supervisor.pinLockedUntil',
  lockouts: 'supervisor.pinLockouts',
} as const;

export class SupervisorPin {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly vault: KeyVault,
    private readonly settings: SettingsStore,
    private readonly now: () => number,
    private readonly policy: LockoutPolicy = LOCKOUT,
  ) {}

  isSet(): Promise<boolean> {
    return this.vault.hasSupervisorPin();
  }

  /** The first PIN; refused once one is set (changing it needs the current one). */
  setup(pin: string): Promise<void> {
    return this.serially(async () => {
      if (await this.vault.hasSupervisorPin()) {
        throw new TillError(ROUTER_ERROR_CODES.pinAlreadySet, 'A supervisor PIN is already set; log in, or change it with the current PIN.', { field: 'pin' });
      }
      await this.vault.setSupervisorPin(pin);
      this.writeLockout(0, 0, 0);
    });
  }

  /** Resolves when `pin` is right; else PIN_INVALID, PIN_LOCKED (with retryAfterMs) or PIN_NOT_SET. */
  verify(pin: string): Promise<void> {
    return this.serially(() => this.verifyNow(pin, 'pin'));
  }

  change(currentPin: string, newPin: string): Promise<void> {
    return this.serially(async () => {
      await this.verifyNow(currentPin, 'currentPin');
      await this.vault.setSupervisorPin(newPin);
    });
  }

  /** Milliseconds until a PIN may be tried again; 0 when not locked. */
  lockedFor(): number {
    const left = this.readInt(LOCKOUT_SETTINGS.lockedUntil) - this.now();
    // A clock set back must not stretch a lock beyond the longest one.
    return left > 0 ? Math.min(left, this.policy.maxLockMs) : 0;
  }

  private async verifyNow(pin: string, field: string): Promise<void> {
    const locked = this.lockedFor();
    if (locked > 0) throw new PinLockedError(locked);
    const check = await this.vault.checkSupervisorPin(pin);
    if (check === 'unset') {
      throw new TillError(ROUTER_ERROR_CODES.pinNotSet, 'No supervisor PIN is set yet: set one first.', { field });
    }
    if (check === 'match') {
      this.writeLockout(0, 0, 0);
      return;
    }
    const failures = this.readInt(LOCKOUT_SETTINGS.failures) + 1;
    if (failures >= this.policy.maxFailures) {
      const lockouts = this.readInt(LOCKOUT_SETTINGS.lockouts) + 1;
      const lockMs = Math.min(this.policy.baseLockMs * 2 ** Math.min(lockouts - 1, 30), this.policy.maxLockMs);
      this.writeLockout(0, this.now() + lockMs, lockouts);
      throw new PinLockedError(lockMs);
    }
    this.writeLockout(failures, this.readInt(LOCKOUT_SETTINGS.lockedUntil), this.readInt(LOCKOUT_SETTINGS.lockouts));
    const left = this.policy.maxFailures - failures;
    throw new TillError(ROUTER_ERROR_CODES.pinInvalid, `Wrong PIN. ${left} more ${left === 1 ? 'try' : 'tries'} before the supervisor screen locks.`, { field });
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

  /**
   * A forgotten PIN, by whoever holds a shell on the terminal (the installer): the PIN and
   * the lockout go; the supervisor screen then asks for a new PIN.
   */
  reset(): Promise<boolean> {
    return this.serially(async () => {
      const removed = await this.vault.deleteSupervisorPin();
      this.writeLockout(0, 0, 0);
      return removed;
    });
  }

  private writeLockout(failures: number, lockedUntil: number, lockouts: number): void {
    this.settings.setMany({
      [LOCKOUT_SETTINGS.failures]: String(failures),
      [LOCKOUT_SETTINGS.lockedUntil]: String(lockedUntil),
      [LOCKOUT_SETTINGS.lockouts]: String(lockouts),
    });
  }
}
