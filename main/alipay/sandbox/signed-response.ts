import type { KeyObject } from 'node:crypto';
import { API_VERSION } from '../functions';
import { formatRfc3339 } from '../rfc3339';
import { signText } from '../signature';

/**
 * The gateway's half of NOTES §1: the response text is built once, signed over exactly
 * those bytes and spliced into the envelope, so a client that cuts the text out of what
 * it received verifies the very bytes that were signed.
 */

/** What a response repeats from its request (what could be read of it). */
export interface ResponseEcho {
  fn: string;
  clientId: string;
  reqMsgId: string;
}

export function responseHead(echo: ResponseEcho, now: Date): Record<string, string> {
  return {
    version: API_VERSION,
    function: echo.fn,
    clientId: echo.clientId,
    respTime: formatRfc3339(now),
    reqMsgId: echo.reqMsgId,
    reserve: '{}',
  };
}

/** `body` must start with resultInfo; the envelope is compact JSON. */
export function signedResponse(echo: ResponseEcho, body: Record<string, unknown>, key: KeyObject, now = new Date()): string {
  const text = `{"head":${JSON.stringify(responseHead(echo, now))},"body":${JSON.stringify(body)}}`;
  return `{"response":${text},"signature":"${signText(text, key)}"}`;
}

const BASE64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Spoils the signature while keeping it well-formed Base64 of the right length, so the
 * client's check fails in RSA itself, not in a format pre-check that might hide a bug.
 */
export function corruptSignature(envelope: string): string {
  const marker = '"signature":"';
  const at = envelope.lastIndexOf(marker) + marker.length + 5;
  const old = envelope.charAt(at);
  const next = BASE64_CHARS.charAt((BASE64_CHARS.indexOf(old) + 1) % 64);
  return envelope.slice(0, at) + next + envelope.slice(at + 1);
}
