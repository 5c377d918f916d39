import type { KeyObject } from 'node:crypto';
import { moneyMinor, type Money } from './currency';
import type { ApiName } from './functions';
import type { Outcome, PayCancelData, PayQueryData, PreCreateData, RefundData, ResultInfo } from './outcome';
import { RESULT_CODES, resultCodeInfo, type ResultStatus } from './result-codes';
import { MessageRejected, openSignedMessage, verifyOpened } from './signed-message';
import { utf8Length } from './utf8-text';

/**
 * Turns the bytes of a gateway answer into an Outcome. Order of trust: the signature first
 * (over the raw `response` text, with Alipay's key), then the echoes (reqMsgId, and for
 * money the merchantTransId and amount), and only then the result. Fields the docs leave
 * unconfirmed (payQuery, refund: docs/protocol.md §3) are read tolerantly.
 */

export interface Expectation {
  api: ApiName;
  reqMsgId: string;
  merchantTransId?: string;
  amount?: Money;
  merchantRefundId?: string;
  refundAmount?: Money;
  /**
   * The request head's version, function and clientId: the spec marks all three Required
   * in the response head, so an answer that does not echo them answers another request
   * (a proxy, a wrong gateway) and is not taken.
   */
  head?: { version: string; function: string; clientId: string };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readResultInfo(body: Record<string, unknown>): ResultInfo {
  const info = body.resultInfo as Record<string, unknown> | undefined;
  const status = info?.resultStatus;
  if (typeof info !== 'object' || info === null || (status !== 'S' && status !== 'F' && status !== 'U') || typeof info.resultCode !== 'string') {
    throw new MessageRejected('shape', 'the answer has no valid resultInfo');
  }
  if (status === 'S' && info.resultCodeId !== undefined && info.resultCodeId !== '00000000') {
    throw new MessageRejected('mismatch', 'resultStatus S with a resultCodeId other than 00000000');
  }
  // A listed code carries its own status: S with PROCESS_FAIL, or F with SUCCESS, is a
  // contradiction whose kind and action would disagree; it is not taken either way.
  const listed = RESULT_CODES.get(info.resultCode);
  if (listed && listed.status !== status) {
    throw new MessageRejected('mismatch', `resultStatus ${status} contradicts resultCode ${info.resultCode} (${listed.status})`);
  }
  return {
    resultStatus: status as ResultStatus,
    resultCodeId: String(info.resultCodeId ?? ''),
    resultCode: info.resultCode,
    ...(typeof info.resultMsg === 'string' ? { resultMsg: info.resultMsg } : {}),
  };
}

function sameMoney(received: unknown, expected: Money): boolean {
  const m = moneyMinor(received);
  return m !== undefined && m.currency === expected.currency && String(m.value) === expected.value;
}

function mismatch(what: string): never {
  throw new MessageRejected('mismatch', `the answer's ${what} does not match the request`);
}

export function readResponse(bytes: Uint8Array, alipayPublicKey: KeyObject, expect: Expectation): Outcome<unknown> {
  const opened = openSignedMessage(bytes, 'response');
  verifyOpened(opened, alipayPublicKey);
  const head = opened.value.head as Record<string, unknown> | undefined;
  const body = opened.value.body as Record<string, unknown> | undefined;
  if (typeof head !== 'object' || head === null || typeof body !== 'object' || body === null) {
    throw new MessageRejected('shape', 'the answer has no head or body');
  }
  if (head.reqMsgId !== expect.reqMsgId) mismatch('reqMsgId');
  if (expect.head) for (const name of ['function', 'clientId', 'version'] as const) if (head[name] !== expect.head[name]) mismatch(name);
  const result = readResultInfo(body);
  const info = resultCodeInfo(result.resultCode, result.resultStatus, result.resultCodeId);
  if (result.resultStatus === 'U') return { kind: 'U', reason: 'gateway_unknown', detail: result.resultMsg ?? result.resultCode, result, info };
  // The spec's tables list SUCCESS as the only S: an S with any other code is not proof of
  // anything (no QR is shown on it), so it is an unknown outcome, resolved like any other.
  if (result.resultStatus === 'S' && result.resultCode !== 'SUCCESS') {
    return { kind: 'U', reason: 'gateway_unknown', detail: `resultStatus S with resultCode ${result.resultCode}, not SUCCESS`, result, info };
  }
  if (result.resultStatus === 'F') return { kind: 'F', result, info, data: body };
  return { kind: 'S', result, info, data: successData(body, expect) };
}

function successData(body: Record<string, unknown>, expect: Expectation): PreCreateData | PayQueryData | PayCancelData | RefundData {
  const transId = str(body.merchantTransId);
  if (expect.merchantTransId && transId !== undefined && transId !== expect.merchantTransId) mismatch('merchantTransId');
  switch (expect.api) {
    case 'preCreate': {
      if (transId !== expect.merchantTransId) mismatch('merchantTransId');
      // The spec does not promise to echo orderAmount: absent is accepted (the signature and
      // merchantTransId already tie the answer to this order); present and different is not.
      if (expect.amount && body.orderAmount !== undefined && !sameMoney(body.orderAmount, expect.amount)) mismatch('orderAmount');
      const qr = str(body.orderQrCode);
      // String(1024) counted in UTF-8 bytes (docs/protocol.md §5, the strict reading), not UTF-16 units.
      if (!qr || utf8Length(qr) > 1024) throw new MessageRejected('shape', 'a successful preCreate answer has no usable orderQrCode');
      return {
        merchantTransId: transId!,
        orderQrCode: qr,
        acquirementId: str(body.acquirementId),
        createTime: str(body.createTime),
        payScheme: str(body.payScheme),
        picUrl: str(body.picUrl),
        smallPicUrl: str(body.smallPicUrl),
        bigPicUrl: str(body.bigPicUrl),
      };
    }
    case 'payQuery': {
      const status = str(body.acquirementStatus) ?? str(body.paymentStatus) ?? str(body.tradeStatus) ?? str(body.status);
      if (!status) throw new MessageRejected('shape', 'the payQuery answer carries no payment status');
      const pay = moneyMinor(body.payAmount) ?? moneyMinor(body.orderAmount);
      if (status === 'SUCCESS' && pay && expect.amount && !sameMoney(body.payAmount ?? body.orderAmount, expect.amount)) mismatch('payAmount');
      return {
        status,
        acquirementId: str(body.acquirementId),
        merchantTransId: transId,
        paymentTime: str(body.paymentTime) ?? str(body.payTime),
        payAmountMinor: pay?.value,
        payCurrency: pay?.currency,
      };
    }
    case 'payCancel':
      return { acquirementId: str(body.acquirementId), merchantTransId: transId, cancelTime: str(body.cancelTime) };
    case 'refund': {
      const refundId = str(body.merchantRefundId);
      if (expect.merchantRefundId && refundId !== undefined && refundId !== expect.merchantRefundId) mismatch('merchantRefundId');
      if (expect.refundAmount && body.refundAmount !== undefined && !sameMoney(body.refundAmount, expect.refundAmount)) mismatch('refundAmount');
      return {
        refundId: str(body.refundId),
        merchantRefundId: refundId,
        refundAmountMinor: moneyMinor(body.refundAmount)?.value,
        refundTime: str(body.refundTime),
      };
    }
  }
}
