import type { KeyObject } from 'node:crypto';
import type { ApiName } from '../functions';
import type { BookStore } from './book-store';
import type { FaultConfig, FaultKind } from './faults';

/** A till as the gateway knows it (what a merchant registers with Alipay). */
export interface SandboxClient {
  clientId: string;
  merchantId: string;
  /** The client's RSA2 public key; a client without one answers KEY_NO_FOUND. */
  publicKey?: KeyObject;
  /** When set, every request must carry it as reserve.isvAccesstoken (else OAUTH_FAILED). */
  isvAccessToken?: string;
}

export interface SandboxLimits {
  /** Largest orderAmount in minor units: one number for every currency, or per currency. */
  maxAmountMinor?: number | Readonly<Record<string, number>>;
  /** Known ISO 4217 currencies outside this list answer CURRENCY_NOT_SUPPORT. All when absent. */
  supportedCurrencies?: readonly string[];
}

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default; the control endpoints answer loopback callers only, whatever this is. */
  host?: string;
  tls?: { certPem: string; keyPem: string };
  /** Signs every gateway response. */
  gatewayPrivateKey: KeyObject;
  clients: SandboxClient[];
  faults?: FaultConfig;
  /** Seeds the fault generator when the fault config carries no seed. */
  seed?: number;
  /** Base of the QR URLs (the customer's phone must reach it); the sandbox's own URL by default. */
  publicBaseUrl?: string;
  /** Host names besides addresses and localhost that requests may name in Host (a name a proxy resolves for the tests). */
  hostNames?: readonly string[];
  limits?: SandboxLimits;
  /** What payCancel does to a paid order: refuse (F ORDER_STATUS_INVALID, default) or reverse it (S). */
  cancelPaid?: 'refuse' | 'reverse';
  /** An unpaid order older than this becomes CLOSED; never when absent. */
  orderLifetimeMs?: number;
  /** Request bodies over this answer 413 (default 64 KiB). */
  maxBodyBytes?: number;
  /** Internal errors go here (without request bodies); silent when absent. */
  log?: (line: string) => void;
  /** Where the order book lives (book-store.ts); in memory when absent. Closed with the sandbox. */
  store?: BookStore;
}

export type AcquirementStatus = 'INIT' | 'SUCCESS' | 'CANCELLED' | 'CLOSED';

export interface SandboxRefundRecord {
  merchantRefundId: string;
  refundId: string;
  /** Minor units as a digit string. */
  amount: string;
  refundTime: string;
}

/** One order as the sandbox holds it; amounts are minor units as digit strings. */
export interface SandboxOrderRecord {
  merchantId: string;
  merchantTransId: string;
  acquirementId: string;
  amount: string;
  currency: string;
  status: AcquirementStatus;
  /** Paid, then reversed by payCancel (cancelPaid: 'reverse'). */
  reversed: boolean;
  /** Sum of refunds, minor units. */
  refunded: string;
  refunds: SandboxRefundRecord[];
  orderQrCode: string;
  createTime: string;
  paymentTime?: string;
  cancelTime?: string;
}

/** A payCancel for an order the gateway never created (answered F ORDER_NOT_EXIST); kept for tests and GET /sandbox/tombstones. */
export interface SandboxTombstone {
  merchantId: string;
  merchantTransId: string;
  cancelTime: string;
}

export interface SandboxStats {
  /** Requests on the four API paths. */
  requests: number;
  byApi: Record<ApiName, { requests: number; results: Record<string, number> }>;
  /** Answers the gateway decided on (before any fault spoiled them). */
  byResultCode: Record<string, number>;
  faults: Record<FaultKind, number>;
  /** Repeats answered with the original result (preCreate, payCancel, refund). */
  replays: number;
  repeatInconsistent: number;
  /** HTTP answers that are not gateway messages, by status (404, 405, 413, ...). */
  http: Record<string, number>;
  orders: number;
  tombstones: number;
}

export interface SandboxHandle {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(faults: FaultConfig): void;
  registerClient(client: SandboxClient): void;
  orders(): SandboxOrderRecord[];
  tombstones(): SandboxTombstone[];
  stats(): SandboxStats;
  /** The customer pays; throws TillError SANDBOX_ORDER_NOT_FOUND / SANDBOX_ORDER_NOT_PAYABLE. */
  pay(merchantTransId: string, merchantId?: string): SandboxOrderRecord;
}
