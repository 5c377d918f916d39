import type {
  AlarmView,
  AttemptView,
  ConnectivityView,
  DayReportView,
  DeviceView,
  KeyStatusView,
  OrderEventView,
  OrderView,
  RefundView,
  SettingView,
} from '../../preload/contract';
import { cashierMessageCode } from '../../preload/contract';
import type { ConnectivityStatus } from '../checkout/engine-types';
import type { ConfigListing } from '../config/settings-schema';
import type { KeyStatus } from '../config/key-vault';
import type { DeviceConfig } from '../devices/device-config';
import type { DeviceStatus } from '../devices/device-manager';
import type { DayReport } from '../journal/reconcile';
import type { AlarmRecord, AttemptRecord, EventRecord, OrderRecord, RefundRecord } from '../journal/types';

/**
 * The one place where the main process's records become what the screens see. Each view
 * is built field by field, so nothing new in a record (a frozen body, a raw gateway
 * answer, a key) can reach a screen by being spread along.
 */

const DETAIL_MAX = 200;

export function orderView(order: OrderRecord): OrderView {
  return {
    id: order.id,
    merchantTransId: order.merchantTransId,
    businessDay: order.businessDay,
    amountMinor: order.amountMinor,
    currency: order.currency,
    title: order.title,
    items: order.items.map((item) => ({ name: item.name, quantity: item.quantity, unitPriceMinor: item.unitPriceMinor })),
    state: order.state,
    qrCode: order.state === 'AWAITING_PAYMENT' ? order.qrCode : null,
    acquirementId: order.acquirementId,
    resultCode: order.resultCode,
    cashierMessage: order.state === 'FAILED' ? cashierMessageCode(order.resultCode) : null,
    payDeadline: order.payDeadline,
    refundedMinor: order.refundedMinor,
    alarm: order.alarm,
    cancelRequested: order.cancelRequested,
    // Sent, but no verifiable answer yet: the engine resends, then queries, then cancels.
    checking: (order.state === 'NEW' || order.state === 'SENDING') && order.unknownCount > 0,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

export function refundView(refund: RefundRecord): RefundView {
  return {
    id: refund.id,
    orderId: refund.orderId,
    merchantRefundId: refund.merchantRefundId,
    amountMinor: refund.amountMinor,
    currency: refund.currency,
    reason: refund.reason,
    state: refund.state,
    resultCode: refund.resultCode,
    cashierMessage: refund.state === 'FAILED' ? cashierMessageCode(refund.resultCode) : null,
    createdAt: refund.createdAt,
  };
}

/** `resultCode=SUCCESS, why=requested`: the scalar parts of an event's detail, in one short line. */
function detailLine(detail: Record<string, unknown> | null): string | null {
  if (detail === null) return null;
  const parts = Object.entries(detail)
    .filter(([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    .map(([key, value]) => `${key}=${String(value)}`);
  if (parts.length === 0) return null;
  const line = parts.join(', ');
  return line.length > DETAIL_MAX ? `${line.slice(0, DETAIL_MAX - 1)}…` : line;
}

export function eventView(event: EventRecord): OrderEventView {
  return {
    id: event.id,
    at: event.at,
    actor: event.actor,
    kind: event.kind,
    fromState: event.fromState,
    toState: event.toState,
    detail: detailLine(event.detail),
  };
}

export function attemptView(attempt: AttemptRecord): AttemptView {
  return {
    api: attempt.api,
    reqMsgId: attempt.reqMsgId,
    sentAt: attempt.sentAt,
    receivedAt: attempt.receivedAt,
    outcome: attempt.outcome,
    resultCode: attempt.resultCode,
    status: attempt.status,
    unknownReason: attempt.unknownReason,
    repeats: attempt.repeats,
  };
}

export function connectivityView(status: ConnectivityStatus): ConnectivityView {
  return { state: status.state, unresolved: status.unresolved, since: status.since, detail: status.detail };
}

export function alarmView(alarm: AlarmRecord): AlarmView {
  return { id: alarm.id, orderId: alarm.orderId, kind: alarm.kind, message: alarm.message, raisedAt: alarm.raisedAt, clearedAt: alarm.clearedAt };
}

export function dayReportView(report: DayReport, alarms: readonly AlarmRecord[]): DayReportView {
  const totals = (t: { count: number; amountMinor: number }) => ({ count: t.count, amountMinor: t.amountMinor });
  return {
    day: report.day,
    closed: report.closed,
    closedAt: report.closedAt,
    orderCount: report.orderCount,
    currencies: report.currencies.map((c) => ({
      currency: c.currency,
      paid: totals(c.paid),
      refunded: totals(c.refunded),
      netMinor: c.netMinor,
      cancelled: totals(c.cancelled),
      failed: totals(c.failed),
      unresolved: totals(c.unresolved),
    })),
    exceptions: report.exceptions.map((e) => ({ kind: e.kind, orderId: e.orderId, merchantTransId: e.merchantTransId, code: e.code, message: e.message })),
    alarms: alarms.map(alarmView),
  };
}

export function settingView(listing: ConfigListing): SettingView {
  return {
    key: listing.key,
    value: listing.optional && listing.value === '' ? null : listing.value,
    description: listing.description,
    optional: listing.optional,
  };
}

export function keyStatusView(status: KeyStatus, sandbox: boolean): KeyStatusView {
  return {
    merchantKeyPresent: status.merchantPrivateKey.present,
    merchantKeyValid: status.merchantPrivateKey.valid,
    merchantFingerprint: status.merchantPrivateKey.fingerprint,
    alipayKeyPresent: status.alipayPublicKey.present,
    alipayKeyValid: status.alipayPublicKey.valid,
    alipayFingerprint: status.alipayPublicKey.fingerprint,
    merchantKeyPairConsistent: status.merchantKeyPairConsistent,
    alipayKeyIsMerchantKey: status.alipayKeyIsMerchantKey,
    supervisorPinSet: status.supervisorPinSet,
    sandbox,
  };
}

/** A configured device with what the device manager knows of it (nothing, for a disabled one). */
export function deviceView(device: DeviceConfig, status: DeviceStatus | undefined): DeviceView {
  const now = !device.enabled
    ? { state: 'offline' as const, code: 'DEVICE_DISABLED', message: 'disabled', queued: 0 }
    : (status ?? { state: 'disconnected' as const, code: 'NOT_OPENED', message: 'not opened yet', queued: 0 });
  return {
    name: device.name,
    role: device.role,
    path: device.path,
    baud: device.baud,
    dataBits: device.dataBits,
    parity: device.parity,
    stopBits: device.stopBits,
    flow: device.flow,
    profile: device.profile,
    enabled: device.enabled,
    state: now.state,
    code: now.code,
    message: now.message,
    queued: now.queued,
  };
}
