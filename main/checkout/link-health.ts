import type { Attempt } from '../alipay/outcome';

/**
 * Gateway trouble that means "we could not talk to it", as opposed to "it answered badly".
 * No connection at all says offline at once; a lost answer (a timeout, a dropped connection,
 * a proxy's 5xx) happens on any busy network now and then, and says offline only when it
 * comes OFFLINE_STREAK times in a row: one blip must not park every sale behind the oldest
 * order's probe (seen at 20 sales a second with 2 % of exchanges lost, issue 16 §4).
 * Shared by every order and refund, as traffic-limit.ts is.
 */
const OFFLINE_AT_ONCE = new Set(['unreachable', 'tls']);
const OFFLINE_IF_REPEATED = new Set(['timeout', 'dropped', 'http_status']);
const OFFLINE_STREAK = 3;

export class LinkHealth {
  /** Lost answers in a row (OFFLINE_IF_REPEATED), whatever they were for. */
  private lostInARow = 0;

  /** What this answer says of the link: offline, online, or nothing new (a lost answer, not yet the streak). */
  note(outcome: Attempt<unknown>['outcome']): 'offline' | 'online' | undefined {
    const lost = outcome.kind === 'U' && OFFLINE_IF_REPEATED.has(outcome.reason);
    this.lostInARow = lost ? this.lostInARow + 1 : 0;
    if (outcome.kind === 'U' && (OFFLINE_AT_ONCE.has(outcome.reason) || this.lostInARow >= OFFLINE_STREAK)) return 'offline';
    return this.lostInARow === 0 ? 'online' : undefined;
  }
}
