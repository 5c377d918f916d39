import type { KeyObject } from 'node:crypto';
import { TillError } from '../errors';
import { verifyText } from './signature';
import { JsonShapeError, scanTopLevel } from './strict-json';

/**
 * Opens `{"request"|"response":{…},"signature":"…"}` as received. The signed text is cut
 * out of the received text at the positions the strict scanner found (the official advice:
 * cut, do not re-serialize), so the gateway's own spacing and key order are what we verify.
 */

export type RejectReason =
  | 'not_utf8'
  | 'not_json'
  | 'duplicate_key'
  | 'shape'
  | 'no_signature'
  | 'bad_signature'
  | 'mismatch'
  | 'oversized'
  | 'http_status'
  | 'transport';

export class MessageRejected extends TillError {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super('RESPONSE_REJECTED', message);
    this.name = 'MessageRejected';
  }
}

export interface OpenedMessage {
  /** The signed text, exactly as received. */
  text: string;
  signature: string | undefined;
  value: Record<string, unknown>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MessageRejected('not_utf8', 'the message is not valid UTF-8');
  }
}

export function openSignedMessage(bytes: Uint8Array | string, root: 'request' | 'response'): OpenedMessage {
  const text = typeof bytes === 'string' ? bytes : decodeUtf8(bytes);
  let members;
  try {
    members = scanTopLevel(text);
  } catch (error) {
    if (error instanceof JsonShapeError) {
      throw new MessageRejected(error.reason === 'duplicate_key' ? 'duplicate_key' : 'not_json', `the message is not acceptable JSON: ${error.message}`);
    }
    throw error;
  }
  const span = members.get(root);
  if (!span) throw new MessageRejected('shape', `the message has no "${root}" member`);
  const signedText = text.slice(span.start, span.end);
  const value: unknown = JSON.parse(signedText);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MessageRejected('shape', `"${root}" is not an object`);
  }
  const sigSpan = members.get('signature');
  let signature: string | undefined;
  if (sigSpan) {
    const sig: unknown = JSON.parse(text.slice(sigSpan.start, sigSpan.end));
    if (typeof sig !== 'string') throw new MessageRejected('shape', '"signature" is not a string');
    signature = sig;
  }
  return { text: signedText, signature, value: value as Record<string, unknown> };
}

export function verifyOpened(message: OpenedMessage, publicKey: KeyObject): void {
  if (!message.signature) throw new MessageRejected('no_signature', 'the message is not signed');
  if (!verifyText(message.text, message.signature, publicKey)) {
    throw new MessageRejected('bad_signature', 'the signature does not verify with the configured public key');
  }
}
