/**
 * How fast wrong PINs may come (issue 11 §4; docs/architecture.md, "Who may change what the
 * till trusts"). Two limits, so that one screen guessing cannot lock the supervisor out for
 * long, and many screens (or a screen reloaded again and again) cannot guess fast:
 *
 * - per connection (one screen): a few free mistakes, then that screen alone waits, the
 *   wait doubling with each further wrong PIN;
 * - for the whole till: after more wrong PINs in a row, from any screens, every screen
 *   waits; the lock doubles on each further lock before a right PIN, up to an hour, and
 *   raises an alarm. `till keys unlock-pin` at the terminal ends it.
 */

export interface LockoutPolicy {
  /** Wrong PINs in a row, from any screen, that lock every screen. */
  maxFailures: number;
  /** The first till-wide lock; each further lock before a right PIN lasts twice as long. */
  baseLockMs: number;
  /** The longest till-wide lock: a screen can hold the supervisor out no longer than this at a time. */
  maxLockMs: number;
  /** Wrong PINs on one screen before that screen must wait. */
  connectionFreeFailures: number;
  /** The first wait of one screen; doubled per further wrong PIN, up to connectionMaxDelayMs. */
  connectionBaseDelayMs: number;
  connectionMaxDelayMs: number;
}

export const LOCKOUT: LockoutPolicy = {
  maxFailures: 10,
  baseLockMs: 5 * 60_000,
  maxLockMs: 60 * 60_000,
  connectionFreeFailures: 3,
  connectionBaseDelayMs: 30_000,
  connectionMaxDelayMs: 5 * 60_000,
};

/** One screen's wrong PINs; lives with its connection, so it ends when the screen goes. */
export class ConnectionThrottle {
  private failures = 0;
  private notBefore = 0;

  constructor(private readonly policy: LockoutPolicy = LOCKOUT) {}

  /** Milliseconds this screen must still wait; 0 when it may try. */
  waitFor(now: number): number {
    return Math.max(0, this.notBefore - now);
  }

  /** A wrong PIN from this screen; returns how long it must wait now (0: not yet). */
  failed(now: number): number {
    this.failures += 1;
    const over = this.failures - this.policy.connectionFreeFailures;
    if (over < 0) return 0;
    const delay = Math.min(this.policy.connectionBaseDelayMs * 2 ** Math.min(over, 30), this.policy.connectionMaxDelayMs);
    this.notBefore = now + delay;
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
    this.notBefore = 0;
  }
}
