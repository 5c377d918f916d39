/**
 * A supervisor session on one connection (one screen). It ends when that screen has been
 * idle for `idleMs`, on logout, and when the connection closes; it is never shared with
 * another connection, so a customer display cannot ride on the supervisor's login.
 */

export const SESSION_IDLE_MS = 10 * 60_000;

export class SupervisorSession {
  private expiresAt: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly idleMs: number = SESSION_IDLE_MS,
  ) {}

  /** Starts (or restarts) the session; returns when it ends if left idle. */
  start(): number {
    this.expiresAt = this.now() + this.idleMs;
    return this.expiresAt;
  }

  active(): boolean {
    if (this.expiresAt !== null && this.now() >= this.expiresAt) this.expiresAt = null;
    return this.expiresAt !== null;
  }

  /** A supervisor call: the idle time starts again. */
  touch(): void {
    if (this.active()) this.expiresAt = this.now() + this.idleMs;
  }

  end(): void {
    this.expiresAt = null;
  }
}
