import { APP_VERSION_PATTERN, CHANGE_ENTITIES, MAX_BATCH_CHANGES, type Change, type ChangeEntity, type SyncBatch } from '../protocol/sync-protocol';
import { ServerError } from '../http/server-error';

/**
 * A batch as the server accepts it, checked field by field before anything is written:
 * a malformed one is a 400 naming the first bad field (`changes[3].data.amountMinor`) and
 * changes nothing. Only shapes and ranges are checked here; sequence order against what
 * the server holds is ingest's job.
 */

const ORDER_STATES = new Set(['NEW', 'SENDING', 'AWAITING_PAYMENT', 'CANCELLING', 'PAID', 'REFUNDED', 'CANCELLED', 'FAILED']);
const REFUND_STATES = new Set(['PENDING', 'SUCCEEDED', 'FAILED']);
const DAY = /^\d{4}-[01]\d-[0-3]\d$/;
const CURRENCY = /^[A-Z]{3}$/;

type Fields = Record<string, unknown>;

class Checker {
  constructor(private readonly at: string) {}

  private fail(field: string, what: string): never {
    throw new ServerError(400, 'BATCH_INVALID', `${this.at}.${field} ${what}`, `${this.at}.${field}`);
  }

  int(o: Fields, field: string, min = 0): number {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(field, `must be a whole number of at least ${min}`);
    return v;
  }

  intOrNull(o: Fields, field: string): number | null {
    return o[field] === null ? null : this.int(o, field);
  }

  str(o: Fields, field: string, max: number, pattern?: RegExp | Set<string>): string {
    const v = o[field];
    if (typeof v !== 'string' || v.length === 0 || v.length > max) this.fail(field, `must be text of 1 to ${max} characters`);
    if (pattern instanceof RegExp && !pattern.test(v)) this.fail(field, `has the wrong form (${JSON.stringify(v.slice(0, 40))})`);
    if (pattern instanceof Set && !pattern.has(v)) this.fail(field, `is not one of ${[...pattern].join(', ')}`);
    return v;
  }

  strOrNull(o: Fields, field: string, max: number): string | null {
    return o[field] === null ? null : this.str(o, field, max);
  }

  bool(o: Fields, field: string): boolean {
    if (typeof o[field] !== 'boolean') this.fail(field, 'must be true or false');
    return o[field] as boolean;
  }

  object(o: Fields, field: string, nullable: boolean): Fields | null {
    const v = o[field];
    if (v === null && nullable) return null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, nullable ? 'must be an object or null' : 'must be an object');
    return v as Fields;
  }
}

function checkData(entity: ChangeEntity, d: Fields, c: Checker): void {
  switch (entity) {
    case 'order': {
      c.int(d, 'id', 1);
      c.str(d, 'merchantTransId', 64);
      c.str(d, 'businessDay', 10, DAY);
      c.str(d, 'terminalId', 64);
      c.int(d, 'seq', 1);
      const amount = c.int(d, 'amountMinor', 1);
      c.str(d, 'currency', 3, CURRENCY);
      if (c.int(d, 'refundedMinor') > amount) throw new ServerError(400, 'BATCH_INVALID', 'refundedMinor is more than the order amount', 'refundedMinor');
      c.str(d, 'state', 20, ORDER_STATES);
      c.str(d, 'title', 1024);
      for (const f of ['acquirementId', 'resultCode', 'paidAt', 'alarm']) c.strOrNull(d, f, 256);
      c.strOrNull(d, 'resultMessage', 2048);
      c.bool(d, 'cancelRequested');
      c.str(d, 'bodyText', 65_536);
      c.int(d, 'createdAt');
      c.int(d, 'updatedAt');
      return;
    }
    case 'refund':
      c.int(d, 'id', 1);
      c.int(d, 'orderId', 1);
      c.str(d, 'merchantRefundId', 64);
      c.int(d, 'amountMinor', 1);
      c.str(d, 'currency', 3, CURRENCY);
      c.str(d, 'state', 20, REFUND_STATES);
      c.str(d, 'businessDay', 10, DAY);
      for (const f of ['refundId', 'resultCode']) c.strOrNull(d, f, 256);
      c.strOrNull(d, 'reason', 1024);
      c.int(d, 'createdAt');
      c.int(d, 'updatedAt');
      return;
    case 'attempt':
      c.int(d, 'id', 1);
      c.int(d, 'orderId', 1);
      c.intOrNull(d, 'refundId');
      c.str(d, 'api', 32);
      c.str(d, 'reqMsgId', 128);
      c.int(d, 'sentAt');
      c.int(d, 'receivedAt');
      c.str(d, 'outcome', 1, new Set(['S', 'F', 'U']));
      for (const f of ['resultCode', 'status']) c.strOrNull(d, f, 256);
      c.strOrNull(d, 'unknownReason', 2048);
      c.intOrNull(d, 'httpStatus');
      c.int(d, 'repeats', 1);
      c.strOrNull(d, 'rawResponse', 1_048_576);
      return;
    case 'event':
      c.int(d, 'id', 1);
      c.intOrNull(d, 'orderId');
      c.int(d, 'at');
      c.str(d, 'actor', 32);
      c.str(d, 'kind', 64);
      c.strOrNull(d, 'fromState', 20);
      c.strOrNull(d, 'toState', 20);
      c.object(d, 'detail', true);
      return;
    case 'alarm':
      c.int(d, 'id', 1);
      c.str(d, 'kind', 64);
      c.strOrNull(d, 'code', 256);
      c.intOrNull(d, 'orderId');
      c.str(d, 'message', 4096);
      c.int(d, 'raisedAt');
      c.intOrNull(d, 'clearedAt');
      c.strOrNull(d, 'clearedBy', 256);
      return;
    case 'day':
      c.str(d, 'day', 10, DAY);
      c.int(d, 'closedAt');
      c.str(d, 'closedBy', 64);
      c.object(d, 'zReport', false);
      return;
  }
}

export function checkBatch(body: unknown): SyncBatch {
  const top = new Checker('batch');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ServerError(400, 'BATCH_INVALID', 'the batch must be a JSON object');
  const b = body as Fields;
  top.str(b, 'terminal', 64);
  top.int(b, 'backlog');
  top.int(b, 'sentAt');
  const app = b.app === undefined ? undefined : top.str(b, 'app', 32, APP_VERSION_PATTERN);
  const changes = b.changes;
  // An empty list is a heartbeat: the terminal is alive, with this backlog and version.
  if (!Array.isArray(changes)) throw new ServerError(400, 'BATCH_INVALID', 'batch.changes must be a list', 'changes');
  if (changes.length > MAX_BATCH_CHANGES) throw new ServerError(413, 'BATCH_TOO_LARGE', `a batch holds at most ${MAX_BATCH_CHANGES} changes, this one ${changes.length}`, 'changes');
  let previous = 0;
  changes.forEach((raw: unknown, i) => {
    const c = new Checker(`changes[${i}]`);
    if (typeof raw !== 'object' || raw === null) throw new ServerError(400, 'BATCH_INVALID', `changes[${i}] must be an object`, `changes[${i}]`);
    const change = raw as Fields;
    const seq = c.int(change, 'seq', 1);
    if (i > 0 && seq !== previous + 1) throw new ServerError(400, 'BATCH_OUT_OF_ORDER', `changes[${i}].seq is ${seq} after ${previous}: a batch is consecutive, in order`, `changes[${i}].seq`);
    previous = seq;
    const entity = c.str(change, 'entity', 16, new Set(CHANGE_ENTITIES)) as ChangeEntity;
    checkData(entity, c.object(change, 'data', false)!, new Checker(`changes[${i}].data`));
  });
  return { terminal: b.terminal as string, changes: changes as Change[], backlog: b.backlog as number, sentAt: b.sentAt as number, ...(app === undefined ? {} : { app }) };
}
