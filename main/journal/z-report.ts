import type { DayReport } from './reconcile';
import type { Actor } from './types';

/**
 * The close-of-day (Z) report: the day's reconciliation as it stood when the day was
 * closed, stored as JSON beside the closed day and never changed afterwards.
 */
export interface ZReport extends DayReport {
  closed: true;
  closedAt: number;
  closedBy: Actor;
  /** What proved the day's payments when it was closed (docs/architecture.md, "Who may change what the till trusts"). */
  trust?: TrustInForce;
}

/** The keys (by fingerprint) and gateway in force: never key material. */
export interface TrustInForce {
  mode: string;
  gatewayBaseUrl: string;
  merchantKey: string | null;
  /** Alipay's public key; on a sandbox profile, the built-in sandbox gateway's. */
  gatewayKey: string | null;
}

export function toZReport(report: DayReport, closedAt: number, closedBy: Actor, trust?: TrustInForce): ZReport {
  return trust === undefined ? { ...report, closed: true, closedAt, closedBy } : { ...report, closed: true, closedAt, closedBy, trust };
}
