import type { KeyObject } from 'node:crypto';
import type { Money } from './currency';
import { buildHead, signRequest } from './envelope';
import { TillError } from '../errors';
import { API, type ApiName } from './functions';
import type { Attempt, Outcome, PayCancelData, PayQueryData, PreCreateData, RefundData, UnknownReason } from './outcome';
import { readResponse, type Expectation } from './read-response';
import { bodyRules } from './schemas';
import { checkBody } from './field-rules';
import { lookupBodyText, type OrderRef } from './sibling-bodies';
import { MessageRejected } from './signed-message';
import { parseStrict } from './strict-json';
import { TransportError, type GatewayTransport } from './transport';

/**
 * The till's side of the four APIs. Local problems (a missing key, a body that breaks a
 * field rule) throw before anything is sent. Everything after the first byte leaves comes
 * back as an Attempt whose outcome is S, F or U; the client never retries by itself, so
 * the engine that journals each attempt decides what happens next.
 */

export interface ClientKeys {
  merchantPrivateKey(): Promise<KeyObject>;
  alipayPublicKey(): Promise<KeyObject>;
  isvAccessToken?(): Promise<string | undefined>;
}

export interface ClientOptions {
  transport: GatewayTransport;
  clientId: string;
  merchantId: string;
  keys: ClientKeys;
  now?: () => Date;
}

const TRANSPORT_REASON: Record<string, UnknownReason> = {
  GATEWAY_UNREACHABLE: 'unreachable',
  GATEWAY_TIMEOUT: 'timeout',
  GATEWAY_TLS: 'tls',
  GATEWAY_DROPPED: 'dropped',
  RESPONSE_TOO_LARGE: 'rejected',
};

function rawText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.length > 65_536 ? `${text.slice(0, 65_536)}…[cut at 65536 of ${text.length} chars]` : text;
}

export class AlipayClient {
  constructor(private readonly options: ClientOptions) {}

  get merchantId(): string {
    return this.options.merchantId;
  }

  /** Throws (KEY_MISSING, KEYCHAIN_UNAVAILABLE) when a request could not be signed or checked. */
  async ready(): Promise<void> {
    await Promise.all([this.options.keys.merchantPrivateKey(), this.options.keys.alipayPublicKey()]);
  }

  /** bodyText is the frozen body from buildPreCreateBody, re-sent byte for byte. */
  preCreate(bodyText: string, expect: { merchantTransId: string; amount: Money }): Promise<Attempt<PreCreateData>> {
    return this.exchange<PreCreateData>('preCreate', bodyText, expect);
  }

  async payQuery(ref: OrderRef, expect: { amount?: Money } = {}): Promise<Attempt<PayQueryData>> {
    return this.exchange<PayQueryData>('payQuery', lookupBodyText(this.merchantId, ref, 'payQuery'), { merchantTransId: ref.merchantTransId, ...expect });
  }

  async payCancel(ref: OrderRef): Promise<Attempt<PayCancelData>> {
    return this.exchange<PayCancelData>('payCancel', lookupBodyText(this.merchantId, ref, 'payCancel'), { merchantTransId: ref.merchantTransId });
  }

  /** bodyText from refundBodyText, frozen with its merchantRefundId. */
  refund(bodyText: string, expect: { merchantRefundId: string; refundAmount: Money }): Promise<Attempt<RefundData>> {
    return this.exchange<RefundData>('refund', bodyText, expect);
  }

  private async exchange<T>(api: ApiName, bodyText: string, expect: Omit<Expectation, 'api' | 'reqMsgId'>): Promise<Attempt<T>> {
    // A journaled body is checked again: nothing invalid leaves, even from a damaged journal.
    // Strictly: JSON.parse would let a duplicate key hide the value the gateway may read.
    let body: unknown;
    try {
      body = parseStrict(bodyText);
    } catch (error) {
      throw new TillError('FIELD_INVALID', `the ${api} body is not valid JSON: ${(error as Error).message}`, { field: 'body', cause: error });
    }
    checkBody(body, bodyRules[api]);
    const [privateKey, publicKey, isvAccessToken] = await Promise.all([
      this.options.keys.merchantPrivateKey(),
      this.options.keys.alipayPublicKey(),
      this.options.keys.isvAccessToken?.(),
    ]);
    const head = buildHead({ api, clientId: this.options.clientId, reqTime: this.options.now?.(), isvAccessToken });
    const signed = signRequest(head, bodyText, privateKey);
    const sentAt = Date.now();
    const base = { api, reqMsgId: signed.reqMsgId, reqTime: signed.reqTime, sentAt };
    let answer;
    try {
      answer = await this.options.transport.post(API[api].path, signed.envelope);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return { ...base, receivedAt: Date.now(), outcome: unknown(TRANSPORT_REASON[error.code] ?? 'dropped', error.message) };
    }
    const attempt = { ...base, receivedAt: Date.now(), httpStatus: answer.status, rawResponse: rawText(answer.bytes) };
    if (answer.status !== 200) {
      const html = /html/i.test(answer.contentType) || /^\s*</.test(attempt.rawResponse) ? ' (an HTML page, not a gateway answer)' : '';
      return { ...attempt, outcome: unknown('http_status', `the gateway answered HTTP ${answer.status}${html}`) };
    }
    try {
      return { ...attempt, outcome: readResponse(answer.bytes, publicKey, { api, reqMsgId: signed.reqMsgId, head: { version: head.version!, function: head.function!, clientId: head.clientId! }, ...expect }) as Outcome<T> };
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
      const html = /^\s*</.test(attempt.rawResponse) ? ' (the gateway sent an HTML page)' : '';
      return { ...attempt, outcome: unknown('rejected', `${error.message}${html}`) };
    }
  }

  close(): Promise<void> {
    return this.options.transport.close();
  }

  /** Drops the requests in flight (their outcomes become unknown, resolved later). */
  abandon(): void {
    this.options.transport.abandon();
  }
}

function unknown(reason: UnknownReason, detail: string): Outcome<never> {
  return { kind: 'U', reason, detail };
}
