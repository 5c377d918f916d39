import { ROUTER_ERROR_CODES, type BridgeCall, type TillErrorView } from '../../preload/contract';

/**
 * Reads one text frame of the bridge. A frame that names a usable id is answered, even when
 * the rest is wrong (BAD_REQUEST with the field at fault); one without (not JSON, not an
 * object, no integer id) cannot be answered and the socket is closed instead.
 */

export type ParsedFrame =
  | { kind: 'call'; call: BridgeCall }
  | { kind: 'refused'; id: number; error: TillErrorView }
  | { kind: 'unanswerable'; reason: string };

const CALL_KEYS = new Set(['id', 'channel', 'request']);

export function parseBridgeFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unanswerable', reason: 'frame is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'unanswerable', reason: 'frame is not an object' };
  }
  const frame = value as Record<string, unknown>;
  const id = frame['id'];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return { kind: 'unanswerable', reason: 'frame has no valid id' };
  }
  const extra = Object.keys(frame).find((key) => !CALL_KEYS.has(key));
  if (extra !== undefined) return refused(id, 'frame', `unknown frame field ${JSON.stringify(extra.slice(0, 40))}`);
  const channel = frame['channel'];
  if (typeof channel !== 'string') return refused(id, 'channel', 'channel must be a string');
  return { kind: 'call', call: { id, channel, request: frame['request'] } };
}

function refused(id: number, field: string, message: string): ParsedFrame {
  return { kind: 'refused', id, error: { code: ROUTER_ERROR_CODES.badRequest, message, field } };
}
