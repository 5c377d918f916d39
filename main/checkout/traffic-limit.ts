import type { Attempt } from '../alipay/outcome';
import { backoffDelay, type BackoffPolicy } from './backoff';

/**
 * The gateway's REQUEST_TRAFFIC_EXCEED_LIMIT, shared by every order and refund: each such
 * answer pushes one wait further out, growing while they keep coming; any other definite
 * answer means the gateway takes requests again. Sends wait it out instead of adding load.
 */
export class TrafficLimit {
  /** Such answers in a row, whatever order they were for. */
  private streak = 0;
  private until = 0;

  constructor(
    private readonly policy: () => BackoffPolicy,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  note(outcome: Attempt<unknown>['outcome']): void {
    if (outcome.kind === 'U') return;
    if (outcome.kind === 'F' && outcome.info.action === 'backoff') {
      this.streak += 1;
      this.until = Math.max(this.until, this.now() + backoffDelay(this.streak, this.policy(), this.random));
    } else {
      this.streak = 0;
    }
  }

  /** What is left of the wait (0 when none). */
  remaining(): number {
    return Math.max(0, this.until - this.now());
  }
}
