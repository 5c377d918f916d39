import type { ResultCodeInfo, ResultStatus } from './result-codes';
import type { ApiName } from './functions';

/**
 * What one exchange with the gateway came to. The client never throws for what happened
 * on the wire: every lost, late, garbled or unverifiable answer is `U`, an unknown outcome
 * to be resolved (docs/protocol.md §4), and never taken as success or failure.
 */

export interface ResultInfo {
  resultStatus: ResultStatus;
  resultCodeId: string;
  resultCode: string;
  resultMsg?: string;
}

export type Outcome<T> =
  | { kind: 'S'; result: ResultInfo; info: ResultCodeInfo; data: T }
  | { kind: 'F'; result: ResultInfo; info: ResultCodeInfo; data: Record<string, unknown> }
  | { kind: 'U'; reason: UnknownReason; detail: string; result?: ResultInfo; info?: ResultCodeInfo };

export type UnknownReason =
  | 'gateway_unknown' // the gateway itself said U
  | 'unreachable' // no connection: the request never left
  | 'timeout'
  | 'dropped'
  | 'tls'
  | 'http_status'
  | 'rejected'; // the answer failed verification or integrity checks

/** One HTTP attempt, as the journal keeps it for audit. */
export interface Attempt<T> {
  api: ApiName;
  reqMsgId: string;
  reqTime: string;
  sentAt: number;
  receivedAt: number;
  httpStatus?: number;
  /** The answer's text as received (or a note when it was not text); never the request. */
  rawResponse?: string;
  outcome: Outcome<T>;
}

export interface PreCreateData {
  merchantTransId: string;
  orderQrCode: string;
  acquirementId?: string;
  createTime?: string;
  payScheme?: string;
  picUrl?: string;
  smallPicUrl?: string;
  bigPicUrl?: string;
}

/** INIT | PAYING | SUCCESS | CLOSED | CANCELLED | MERCHANT_ACCEPT, or what the gateway said. */
export interface PayQueryData {
  status: string;
  acquirementId?: string;
  merchantTransId?: string;
  paymentTime?: string;
  payAmountMinor?: number;
  payCurrency?: string;
}

export interface PayCancelData {
  acquirementId?: string;
  merchantTransId?: string;
  cancelTime?: string;
}

export interface RefundData {
  refundId?: string;
  merchantRefundId?: string;
  refundAmountMinor?: number;
  refundTime?: string;
}
