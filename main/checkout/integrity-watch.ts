import type { Attempt } from '../alipay/outcome';

/**
 * Answers that fail verification (bad signature, echoes that do not match the request)
 * are unknown outcomes, one at a time: a single one can be a glitch. Several in a row
 * mean the till and the gateway disagree about something a person must fix, so the
 * engine raises an INTEGRITY alarm naming the likely cause (docs/architecture.md, alarms).
 */

/** Rejected answers in a row before the alarm. */
export const INTEGRITY_THRESHOLD = 3;

export interface IntegritySuspect {
  code: 'BAD_SIGNATURE' | 'ECHO_MISMATCH' | 'MALFORMED_ANSWER';
  message: string;
}

/** The likely cause of a rejected answer, from its detail (also used by `till doctor`). */
export function suspectFor(detail: string): IntegritySuspect {
  if (/signature|not signed/i.test(detail)) {
    return {
      code: 'BAD_SIGNATURE',
      message:
        "Gateway answers fail the signature check: the Alipay public key in this till does not match the gateway's (import the right key with till keys import-alipay-public), or something between the till and Alipay rewrites answers. Payments cannot be confirmed until this is fixed.",
    };
  }
  if (/does not match|contradicts/i.test(detail)) {
    return {
      code: 'ECHO_MISMATCH',
      message: 'Gateway answers do not match the requests sent (request id, order number, amount or head): a proxy or a wrong gateway address is rewriting or mixing up answers. Check gateway.baseUrl and the network path.',
    };
  }
  return {
    code: 'MALFORMED_ANSWER',
    message: `Gateway answers are not valid Alipay answers (${detail.slice(0, 120)}): check gateway.baseUrl and any proxy in between.`,
  };
}

export class IntegrityWatch {
  private streak = 0;

  /** Returns the suspect when the streak reaches the threshold, and again every threshold answers after (a cleared alarm comes back). */
  note(attempt: Attempt<unknown>): IntegritySuspect | undefined {
    const o = attempt.outcome;
    if (o.kind === 'U' && o.reason === 'rejected') {
      this.streak += 1;
      return this.streak % INTEGRITY_THRESHOLD === 0 ? suspectFor(o.detail) : undefined;
    }
    // A verified answer (S, F, or the gateway's own U) proves the key and the path work;
    // an unreachable gateway proves nothing either way.
    if (o.kind !== 'U' || o.reason === 'gateway_unknown') this.streak = 0;
    return undefined;
  }
}
