import { RESULT_CODES, type ResultStatus } from '../result-codes';

/**
 * The resultInfo the sandbox answers with. Two codes are the sandbox's own, not in the
 * spec's tables (the payQuery/refund pages of this API family are not part of the seed):
 * - ORDER_NOT_EXIST 12005018: payQuery/payCancel/refund for an order the gateway never
 *   created (NOTES §3: "an order the customer has not scanned yet may answer not found");
 * - REFUND_AMOUNT_EXCEED 12005019: refunds would add up to more than was paid. The id is
 *   invented; the till must judge both by resultStatus F, never by the id.
 */

export interface ResultInfo {
  resultStatus: ResultStatus;
  resultCodeId: string;
  resultCode: string;
  resultMsg: string;
}

const SANDBOX_CODES: ReadonlyMap<string, { id: string; status: ResultStatus; message: string }> = new Map([
  ['ORDER_NOT_EXIST', { id: '12005018', status: 'F', message: 'The order does not exist' }],
  ['REFUND_AMOUNT_EXCEED', { id: '12005019', status: 'F', message: 'The refund amount exceeds the refundable amount' }],
]);

export function isSandboxAnswerable(code: string): boolean {
  return RESULT_CODES.has(code) || SANDBOX_CODES.has(code);
}

export function resultInfo(code: string, message?: string): ResultInfo {
  const own = SANDBOX_CODES.get(code);
  if (own) return { resultStatus: own.status, resultCodeId: own.id, resultCode: code, resultMsg: message ?? own.message };
  const known = RESULT_CODES.get(code);
  if (!known) throw new Error(`the sandbox has no result code ${code}`);
  return { resultStatus: known.status, resultCodeId: known.id, resultCode: code, resultMsg: message ?? (code === 'SUCCESS' ? 'success' : known.message) };
}
