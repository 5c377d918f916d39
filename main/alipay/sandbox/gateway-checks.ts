import { createHash, timingSafeEqual } from 'node:crypto';
import { describeIssue, validate, type FieldIssue } from '../field-rules';
import { API, type ApiName } from '../functions';
import { bodyRules, headRule } from '../schemas';
import { verifyText } from '../signature';
import { MessageRejected, openSignedMessage, type OpenedMessage } from '../signed-message';
import { policyRejection, type Rejection } from './request-policy';
import type { ResponseEcho } from './signed-response';
import type { SandboxClient, SandboxLimits } from './types';

/**
 * The gateway's checks, in the order a strict gateway runs them. The order matters to a
 * till's diagnosis: a message that is both badly signed and badly filled is reported as
 * badly signed, because nothing in an unauthenticated body is worth reading.
 */

export interface AcceptedRequest {
  api: ApiName;
  client: SandboxClient;
  head: Record<string, unknown>;
  body: Record<string, unknown>;
  echo: ResponseEcho;
}

export type CheckOutcome = { ok: true; request: AcceptedRequest } | { ok: false; echo: ResponseEcho; rejection: Rejection };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function echoed(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length <= max ? value : undefined;
}

function echoOfHead(head: unknown, api: ApiName): ResponseEcho {
  const h = isRecord(head) ? head : {};
  return {
    fn: echoed(h.function, 128) ?? API[api].fn,
    clientId: echoed(h.clientId, 32) ?? '',
    reqMsgId: echoed(h.reqMsgId, 64) ?? '',
  };
}

/** Best effort, never throws: what a fault answer can echo without processing the request. */
export function echoFromBytes(bytes: Buffer, api: ApiName): ResponseEcho {
  try {
    return echoOfHead(openSignedMessage(bytes, 'request').value.head, api);
  } catch {
    return echoOfHead(undefined, api);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function isvTokenOf(reserve: unknown): string | undefined {
  if (typeof reserve !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(reserve);
    const token = isRecord(parsed) ? parsed.isvAccesstoken : undefined;
    return typeof token === 'string' || typeof token === 'number' ? String(token) : undefined;
  } catch {
    return undefined;
  }
}

function signatureVerifies(opened: OpenedMessage, client: SandboxClient): boolean {
  try {
    return client.publicKey !== undefined && opened.signature !== undefined && verifyText(opened.text, opened.signature, client.publicKey);
  } catch {
    return false;
  }
}

/** PARAM_ILLEGAL for shape problems; currency problems answer CURRENCY_NOT_SUPPORT. */
function bodyRejection(issues: FieldIssue[]): Rejection | undefined {
  const shape = issues.find((i) => i.kind !== 'currency');
  if (shape) return { resultCode: 'PARAM_ILLEGAL', resultMsg: describeIssue(shape) };
  const currency = issues[0];
  return currency ? { resultCode: 'CURRENCY_NOT_SUPPORT', resultMsg: describeIssue(currency) } : undefined;
}

export function checkRequest(
  bytes: Buffer,
  api: ApiName,
  clients: ReadonlyMap<string, SandboxClient>,
  limits: SandboxLimits,
): CheckOutcome {
  const reject = (echo: ResponseEcho, resultCode: string, resultMsg: string): CheckOutcome => ({ ok: false, echo, rejection: { resultCode, resultMsg } });

  let opened: OpenedMessage;
  try {
    opened = openSignedMessage(bytes, 'request');
  } catch (error) {
    if (error instanceof MessageRejected) return reject(echoOfHead(undefined, api), 'PARAM_ILLEGAL', error.message);
    throw error;
  }
  const { head, body } = opened.value;
  const echo = echoOfHead(head, api);
  if (!opened.signature) return reject(echo, 'PARAM_ILLEGAL', 'signature is required');
  const extra = Object.keys(opened.value).find((key) => key !== 'head' && key !== 'body');
  if (extra !== undefined) return reject(echo, 'PARAM_ILLEGAL', `request.${extra.slice(0, 64)} is not a field of the request`);

  // An unknown function name is a wrong interface, not a malformed head.
  const headIssues = validate(head, headRule, 'head').filter((i) => !(i.path === 'head.function' && i.kind === 'invalid'));
  if (headIssues[0]) return reject(echo, 'PARAM_ILLEGAL', describeIssue(headIssues[0]));
  const h = head as Record<string, unknown>;
  if (typeof h.function !== 'string') return reject(echo, 'PARAM_ILLEGAL', 'head.function must be a string');
  if (h.function !== API[api].fn) {
    return reject(echo, 'NO_INTERFACE_DEF', `head.function ${JSON.stringify(h.function.slice(0, 128))} is not served at ${API[api].path}`);
  }
  if (h.signType !== undefined && h.signType !== 'RSA2') {
    return reject(echo, 'SIGN_TYPE_INVALID', `head.signType ${JSON.stringify(String(h.signType).slice(0, 64))} is not supported; use RSA2`);
  }
  const client = clients.get(String(h.clientId));
  if (!client) return reject(echo, 'UNKNOWN_CLIENT', `head.clientId ${JSON.stringify(h.clientId)} is not a registered client`);
  if (!client.publicKey) return reject(echo, 'KEY_NO_FOUND', `no public key is registered for client ${client.clientId}`);
  if (!signatureVerifies(opened, client)) {
    return reject(echo, 'INVALID_SIGNATURE', "the signature does not verify over the request text with the client's registered public key");
  }
  if (client.isvAccessToken !== undefined) {
    const token = isvTokenOf(h.reserve);
    // The token is a secret: say whether it was missing or wrong, never echo it.
    if (token === undefined) return reject(echo, 'OAUTH_FAILED', 'head.reserve must carry isvAccesstoken for this client');
    if (!sameSecret(token, client.isvAccessToken)) return reject(echo, 'OAUTH_FAILED', 'head.reserve isvAccesstoken is not valid for this client');
  }
  if (isRecord(body) && typeof body.merchantId === 'string' && body.merchantId !== client.merchantId) {
    return reject(echo, 'ACCESS_DENIED', `client ${client.clientId} may not act for body.merchantId ${JSON.stringify(body.merchantId.slice(0, 64))}`);
  }
  const rejection = bodyRejection(validate(body, bodyRules[api], 'body'));
  if (rejection) return { ok: false, echo, rejection };
  const b = body as Record<string, unknown>;
  const policy = policyRejection(api, b, limits);
  if (policy) return { ok: false, echo, rejection: policy };
  return { ok: true, request: { api, client, head: h, body: b, echo } };
}
