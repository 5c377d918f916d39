/**
 * Every result code of the spec's two tables, with what the till does about it and what a
 * cashier is told. Codes the spec does not list are judged by their resultStatus alone.
 */

export type ResultStatus = 'S' | 'F' | 'U';

/**
 * - proceed: success;
 * - retry:   the outcome is unknown; re-send the same body (then query, then cancel);
 * - query:   the order exists in some state we do not know; ask payQuery;
 * - fail:    the order is dead; a new attempt needs a new merchantTransId;
 * - alarm:   configuration is wrong; stop sending until a supervisor fixes it;
 * - backoff: too many requests; wait, then re-send the same body.
 */
export type ResultAction = 'proceed' | 'retry' | 'query' | 'fail' | 'alarm' | 'backoff';

export interface ResultCodeInfo {
  id: string;
  code: string;
  status: ResultStatus;
  action: ResultAction;
  /** Short, for the cashier. */
  message: string;
}

const table: ResultCodeInfo[] = [
  // Functional logic result codes
  { id: '00000025', code: 'REPEAT_REQ_INCONSISTENT', status: 'F', action: 'alarm', message: 'Order number reused with different details. Start a new sale and call support.' },
  { id: '00000011', code: 'RISK_REJECT', status: 'F', action: 'fail', message: 'Declined by Alipay risk control. Ask for another way to pay.' },
  { id: '12005001', code: 'CURRENCY_NOT_SUPPORT', status: 'F', action: 'fail', message: 'This currency is not accepted for this store.' },
  { id: '12005104', code: 'AMOUNT_EXCEED_LIMIT', status: 'F', action: 'fail', message: 'Amount is over the limit. Try a smaller amount.' },
  { id: '12005128', code: 'COUNT_EXCEED_LIMIT', status: 'F', action: 'fail', message: 'Too many payments today for this account.' },
  { id: '12005100', code: 'ORDER_IS_CLOSED', status: 'F', action: 'fail', message: 'This order is closed. Start a new sale.' },
  { id: '12005003', code: 'ORDER_STATUS_INVALID', status: 'F', action: 'query', message: 'Order state unclear. Checking with Alipay…' },
  { id: '12006007', code: 'MERCHANT_MONTHLY_AMOUNT_LIMIT_EXCEED', status: 'F', action: 'alarm', message: 'Store has reached its monthly limit. Call the supervisor.' },
  { id: '12005136', code: 'MERCHANT_NOT_SUPPORT_ACQUIRE', status: 'F', action: 'alarm', message: 'Store is not enabled for Alipay. Call the supervisor.' },
  { id: '12005137', code: 'USER_AGENT_NOT_SUPPORT', status: 'F', action: 'alarm', message: 'Wallet site setting is not accepted. Call the supervisor.' },
  // Basic result codes
  { id: '00000000', code: 'SUCCESS', status: 'S', action: 'proceed', message: 'Done.' },
  { id: '00000019', code: 'PROCESS_FAIL', status: 'F', action: 'fail', message: 'Alipay could not take this payment. Start a new sale.' },
  { id: '00000901', code: 'UNKNOWN_EXCEPTION', status: 'U', action: 'retry', message: 'No clear answer from Alipay yet. Checking…' },
  { id: '00000004', code: 'PARAM_ILLEGAL', status: 'F', action: 'fail', message: 'Alipay refused the order details. Check the amount and text.' },
  { id: '00000007', code: 'INVALID_SIGNATURE', status: 'F', action: 'alarm', message: 'Payment keys are wrong. Call the supervisor.' },
  { id: '00000008', code: 'KEY_NO_FOUND', status: 'F', action: 'alarm', message: 'Payment keys are not set up at Alipay. Call the supervisor.' },
  { id: '00000013', code: 'NO_INTERFACE_DEF', status: 'F', action: 'alarm', message: 'Gateway address is wrong. Call the supervisor.' },
  { id: '00000014', code: 'API_IS_INVALID', status: 'F', action: 'alarm', message: 'Alipay service not activated for this store. Call the supervisor.' },
  { id: '00000016', code: 'OAUTH_FAILED', status: 'F', action: 'alarm', message: 'Partner access token rejected. Call the supervisor.' },
  { id: '00000021', code: 'ACCESS_DENIED', status: 'F', action: 'alarm', message: 'Alipay denied access. Call the supervisor.' },
  { id: '12014152', code: 'CLIENT_FORBIDDEN_ACCESS_API', status: 'F', action: 'alarm', message: 'This till may not use this Alipay service. Call the supervisor.' },
  { id: '12014155', code: 'UNKNOWN_CLIENT', status: 'F', action: 'alarm', message: 'Client ID unknown to Alipay. Call the supervisor.' },
  { id: '12014156', code: 'INVALID_CLIENT_STATUS', status: 'F', action: 'alarm', message: 'Alipay client account is not active. Call the supervisor.' },
  { id: '00000024', code: 'REQUEST_TRAFFIC_EXCEED_LIMIT', status: 'F', action: 'backoff', message: 'Alipay is busy. Trying again shortly…' },
  { id: '00000030', code: 'SIGN_TYPE_INVALID', status: 'F', action: 'alarm', message: 'Signature type refused. Call the supervisor.' },
];

export const RESULT_CODES: ReadonlyMap<string, ResultCodeInfo> = new Map(table.map((info) => [info.code, info]));

/** What to do with a code: the table's answer, else the rule for its status. */
export function resultCodeInfo(code: string, status: ResultStatus, id = ''): ResultCodeInfo {
  const known = RESULT_CODES.get(code);
  if (known) return known;
  if (status === 'S') return { id, code, status, action: 'proceed', message: 'Done.' };
  if (status === 'U') return { id, code, status, action: 'retry', message: 'No clear answer from Alipay yet. Checking…' };
  return { id, code, status, action: 'fail', message: 'Alipay could not take this payment. Start a new sale.' };
}

export function resultInfoFor(code: string): { resultStatus: ResultStatus; resultCodeId: string; resultCode: string; resultMsg: string } {
  const info = RESULT_CODES.get(code);
  if (!info) throw new Error(`no such result code: ${code}`);
  const remarks: Record<string, string> = { SUCCESS: 'success' };
  return { resultStatus: info.status, resultCodeId: info.id, resultCode: info.code, resultMsg: remarks[code] ?? info.message };
}

/**
 * An F that says the gateway has no such order. payQuery and payCancel are sibling APIs
 * whose codes the seed spec does not list (docs/protocol.md §3): Alipay's family uses
 * ORDER_NOT_EXIST, others name a trade or transaction "not found". Judged by status F and
 * the code's words, never by an id.
 */
export function isOrderNotFound(result: { resultStatus: ResultStatus; resultCode: string }): boolean {
  return result.resultStatus === 'F' && /^(ORDER|TRADE|TRANS|TRANSACTION|ACQUIREMENT)_?NOT_?(EXIST|FOUND)$/.test(result.resultCode);
}
