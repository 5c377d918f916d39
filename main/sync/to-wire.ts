import type { Change } from '../../server/protocol/sync-protocol';
import type { OutboxChange } from '../journal/rooms/outbox';

/**
 * A journal record as it goes to the store server: field by field, so nothing a record
 * holds for the till alone (a QR, an engine counter, a frozen refund body) rides along.
 */
export function toWire(change: OutboxChange): Change {
  const { seq } = change;
  switch (change.entity) {
    case 'order': {
      const o = change.record;
      return {
        seq,
        entity: 'order',
        data: {
          id: o.id, merchantTransId: o.merchantTransId, businessDay: o.businessDay, terminalId: o.terminalId, seq: o.seq, amountMinor: o.amountMinor,
          currency: o.currency, refundedMinor: o.refundedMinor, state: o.state, title: o.title, acquirementId: o.acquirementId, resultCode: o.resultCode,
          resultMessage: o.resultMessage, paidAt: o.paidAt, alarm: o.alarm, cancelRequested: o.cancelRequested, bodyText: o.bodyText, createdAt: o.createdAt, updatedAt: o.updatedAt,
        },
      };
    }
    case 'refund': {
      const r = change.record;
      return {
        seq,
        entity: 'refund',
        data: { id: r.id, orderId: r.orderId, merchantRefundId: r.merchantRefundId, amountMinor: r.amountMinor, currency: r.currency, state: r.state, businessDay: r.businessDay, refundId: r.refundId, resultCode: r.resultCode, reason: r.reason, createdAt: r.createdAt, updatedAt: r.updatedAt },
      };
    }
    case 'attempt': {
      const a = change.record;
      return {
        seq,
        entity: 'attempt',
        data: { id: a.id, orderId: a.orderId, refundId: a.refundId, api: a.api, reqMsgId: a.reqMsgId, sentAt: a.sentAt, receivedAt: a.receivedAt, outcome: a.outcome, resultCode: a.resultCode, status: a.status, unknownReason: a.unknownReason, httpStatus: a.httpStatus, repeats: a.repeats, rawResponse: a.rawResponse },
      };
    }
    case 'event': {
      const e = change.record;
      return { seq, entity: 'event', data: { id: e.id, orderId: e.orderId, at: e.at, actor: e.actor, kind: e.kind, fromState: e.fromState, toState: e.toState, detail: e.detail } };
    }
    case 'alarm': {
      const a = change.record;
      return { seq, entity: 'alarm', data: { id: a.id, kind: a.kind, code: a.code, orderId: a.orderId, message: a.message, raisedAt: a.raisedAt, clearedAt: a.clearedAt, clearedBy: a.clearedBy } };
    }
    case 'day':
      return { seq, entity: 'day', data: change.record };
  }
}
