import { randomBytes, type KeyObject } from 'node:crypto';
import { TillError } from '../errors';
import { describeIssue, validate } from './field-rules';
import { API, API_VERSION, type ApiName } from './functions';
import { formatRfc3339 } from './rfc3339';
import { headRule } from './schemas';
import { signText } from './signature';

/**
 * The request envelope (docs/protocol.md §1): `{"request":{"head":…,"body":…},"signature":"…"}`.
 * The request text is built once from the frozen body text, signed, and spliced into the
 * envelope; nothing is re-serialized after signing, so the signed bytes are the sent bytes.
 */

export interface HeadInput {
  api: ApiName;
  clientId: string;
  /** Fresh per HTTP attempt; the business key is merchantId + merchantTransId. */
  reqMsgId?: string;
  reqTime?: Date;
  isvAccessToken?: string;
}

export interface SignedRequest {
  /** The exact bytes to POST. */
  envelope: string;
  requestText: string;
  reqMsgId: string;
  reqTime: string;
}

export function newReqMsgId(): string {
  return randomBytes(16).toString('hex');
}

export function buildHead(input: HeadInput): Record<string, string> {
  const head: Record<string, string> = {
    version: API_VERSION,
    function: API[input.api].fn,
    clientId: input.clientId,
    reqTime: formatRfc3339(input.reqTime ?? new Date()),
    reqMsgId: input.reqMsgId ?? newReqMsgId(),
  };
  if (input.isvAccessToken) head.reserve = JSON.stringify({ isvAccesstoken: input.isvAccessToken });
  head.signType = 'RSA2';
  const issues = validate(head, headRule, 'head');
  if (issues.length > 0) {
    const first = issues[0]!;
    // The reserve field carries the ISV token: name the field, never echo its value.
    throw new TillError('FIELD_INVALID', describeIssue(first), { field: first.path });
  }
  return head;
}

/** Signs `{"head":…,"body":<bodyText>}` and returns the envelope to send. */
export function signRequest(head: Record<string, string>, bodyText: string, privateKey: KeyObject): SignedRequest {
  const requestText = `{"head":${JSON.stringify(head)},"body":${bodyText}}`;
  const signature = signText(requestText, privateKey);
  return {
    envelope: `{"request":${requestText},"signature":"${signature}"}`,
    requestText,
    reqMsgId: head.reqMsgId!,
    reqTime: head.reqTime!,
  };
}
