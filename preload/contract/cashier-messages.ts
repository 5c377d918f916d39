/**
 * What a screen tells the cashier about a failed order or refund. The till sends the code,
 * each catalog (en, zh-HK) holds the words under `result.<code>`: a zh-HK screen says it in
 * Chinese. The list is every F result code of the spec's tables (main/alipay/result-codes.ts,
 * where the CLI's English lives; a test keeps the two alike), and OTHER for the rest.
 */
export const CASHIER_MESSAGE_CODES = [
  'REPEAT_REQ_INCONSISTENT',
  'RISK_REJECT',
  'CURRENCY_NOT_SUPPORT',
  'AMOUNT_EXCEED_LIMIT',
  'COUNT_EXCEED_LIMIT',
  'ORDER_IS_CLOSED',
  'ORDER_STATUS_INVALID',
  'MERCHANT_MONTHLY_AMOUNT_LIMIT_EXCEED',
  'MERCHANT_NOT_SUPPORT_ACQUIRE',
  'USER_AGENT_NOT_SUPPORT',
  'PROCESS_FAIL',
  'PARAM_ILLEGAL',
  'INVALID_SIGNATURE',
  'KEY_NO_FOUND',
  'NO_INTERFACE_DEF',
  'API_IS_INVALID',
  'OAUTH_FAILED',
  'ACCESS_DENIED',
  'CLIENT_FORBIDDEN_ACCESS_API',
  'UNKNOWN_CLIENT',
  'INVALID_CLIENT_STATUS',
  'REQUEST_TRAFFIC_EXCEED_LIMIT',
  'SIGN_TYPE_INVALID',
  'OTHER',
] as const;

export type CashierMessageCode = (typeof CASHIER_MESSAGE_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(CASHIER_MESSAGE_CODES);

export function cashierMessageCode(resultCode: string | null): CashierMessageCode {
  return resultCode !== null && KNOWN.has(resultCode) ? (resultCode as CashierMessageCode) : 'OTHER';
}
