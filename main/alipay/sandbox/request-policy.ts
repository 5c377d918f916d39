import type { ApiName } from '../functions';
import { SITES } from '../schemas';
import type { SandboxLimits } from './types';

/**
 * The merchant-level rules a real gateway applies after the message itself is valid:
 * currencies the contract accepts, amount limits, and the wallet sites it settles with.
 */

export interface Rejection {
  resultCode: string;
  resultMsg: string;
}

function amountOf(api: ApiName, body: Record<string, unknown>): { path: string; currency: string; value: string } | undefined {
  const money = api === 'preCreate' ? (body.order as Record<string, unknown> | undefined)?.orderAmount : api === 'refund' ? body.refundAmount : undefined;
  if (typeof money !== 'object' || money === null) return undefined;
  const { currency, value } = money as { currency?: unknown; value?: unknown };
  if (typeof currency !== 'string' || (typeof value !== 'string' && typeof value !== 'number')) return undefined;
  return { path: api === 'preCreate' ? 'body.order.orderAmount' : 'body.refundAmount', currency, value: String(value) };
}

/** A UA string counts when it names the Alipay wallet (e.g. "... AlipayClientHK/2.6.0 ..."). */
export function isSupportedUserAgent(userAgent: string): boolean {
  return (SITES as readonly string[]).includes(userAgent) || /alipay/i.test(userAgent);
}

/** Runs after the field rules passed, so shapes are known to be right. */
export function policyRejection(api: ApiName, body: Record<string, unknown>, limits: SandboxLimits): Rejection | undefined {
  const amount = amountOf(api, body);
  if (amount && limits.supportedCurrencies && !limits.supportedCurrencies.includes(amount.currency)) {
    return {
      resultCode: 'CURRENCY_NOT_SUPPORT',
      resultMsg: `${amount.path}.currency ${amount.currency} is not supported for this merchant (supported: ${limits.supportedCurrencies.join(', ')})`,
    };
  }
  if (api !== 'preCreate') return undefined;
  if (amount) {
    const max = typeof limits.maxAmountMinor === 'number' ? limits.maxAmountMinor : limits.maxAmountMinor?.[amount.currency];
    // BigInt: Number(16) can exceed the exact range of a double.
    if (max !== undefined && BigInt(amount.value) > BigInt(max)) {
      return { resultCode: 'AMOUNT_EXCEED_LIMIT', resultMsg: `${amount.path}.value ${amount.value} is over the limit of ${max} (${amount.currency} minor units)` };
    }
  }
  const userAgent = body.userAgent;
  if (typeof userAgent === 'string' && !isSupportedUserAgent(userAgent)) {
    return { resultCode: 'USER_AGENT_NOT_SUPPORT', resultMsg: `body.userAgent must be one of ${SITES.join(', ')} or an Alipay wallet user agent` };
  }
  return undefined;
}
