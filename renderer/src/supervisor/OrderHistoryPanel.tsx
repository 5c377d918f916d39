import { useCallback, useState } from 'react';
import type { OrderHistoryView, RefundView, TillErrorView } from '../../../preload/contract';
import { useTillEvents } from '../app/till-context';
import { useCoalesced } from '../app/use-coalesced';
import { useI18n } from '../i18n/i18n-context';
import { canCancel } from '../order/order-status';
import { StatusBadge } from '../order/StatusBadge';
import { ErrorNote } from '../ui/ErrorNote';
import { RefundForm, RefundResult } from './RefundForm';
import { SettleForm } from './SettleForm';
import { useLoad, useSupervisorCall } from './use-supervisor-call';

/** Still waiting for an outcome: only such an order can be settled by hand. */
const unresolved = (state: string): boolean => state === 'NEW' || state === 'SENDING' || state === 'AWAITING_PAYMENT' || state === 'CANCELLING';

/** Events about the order re-read its history, a burst at a time. */
const RELOAD_MS = 250;

/** One order: what it is, every event it went through, its refunds and gateway tries. */
export function OrderHistoryPanel({ orderId }: { orderId: number }) {
  const call = useSupervisorCall();
  const { t, money, dateTime } = useI18n();
  const load = useCallback(() => call('order.history', { orderId }), [call, orderId]);
  const history = useLoad<OrderHistoryView>(load);
  const [refunding, setRefunding] = useState(false);
  const [settling, setSettling] = useState(false);
  const [refund, setRefund] = useState<RefundView | null>(null);
  const [error, setError] = useState<TillErrorView | null>(null);
  const reloadSoon = useCoalesced(history.reload, RELOAD_MS);
  useTillEvents((event) => {
    if (event.type === 'refund' && event.refund.orderId === orderId) {
      setRefund((shown) => (shown !== null && shown.id === event.refund.id ? event.refund : shown));
      reloadSoon();
    } else if (event.type === 'order' && event.order.id === orderId) {
      reloadSoon();
    }
  });

  const data = history.data;
  if (data === null) return <ErrorNote error={history.error} testId="order-history-error" />;
  const { order } = data;
  const refundable = (order.state === 'PAID' || order.state === 'REFUNDED') && order.refundedMinor < order.amountMinor;
  return (
    <section className="panel order-history" data-testid="order-history" data-order-id={order.id}>
      <h3>
        {order.merchantTransId} <StatusBadge order={order} testId="order-history-status" />
      </h3>
      <p>
        {money(order.amountMinor, order.currency)} · {order.title} · {dateTime(order.createdAt)}
        {order.refundedMinor > 0 && ` · ${t('refund.already', { amount: money(order.refundedMinor, order.currency) })}`}
      </p>
      {order.cashierMessage !== null && <p className="muted">{t(`result.${order.cashierMessage}`)}</p>}
      <div className="actions">
        {refundable && (
          <button type="button" className="btn btn-danger" data-testid="order-refund-button" onClick={() => setRefunding(true)}>
            {t('day.refund')}
          </button>
        )}
        {unresolved(order.state) && (
          <button type="button" className="btn" data-testid="order-settle-button" onClick={() => setSettling(true)}>
            {t('settle.button')}
          </button>
        )}
        {canCancel(order) && (
          <button
            type="button"
            className="btn"
            data-testid="order-cancel-button"
            onClick={() =>
              void call('order.cancel', { orderId: order.id }).then((r) => {
                setError(r.ok ? null : r.error);
                history.reload();
              })
            }
          >
            {t('day.cancelOrder')}
          </button>
        )}
      </div>
      <ErrorNote error={error} testId="order-action-error" />
      {settling && unresolved(order.state) && (
        <SettleForm
          order={order}
          onClose={() => setSettling(false)}
          onDone={() => {
            setSettling(false);
            history.reload();
          }}
        />
      )}
      {refunding && (
        <RefundForm
          orderId={order.id}
          onClose={() => setRefunding(false)}
          onDone={(r) => {
            setRefund(r);
            setRefunding(false);
            history.reload();
          }}
        />
      )}
      <RefundResult refund={refund} />
      <h4>{t('history.events')}</h4>
      <table className="events" data-testid="order-events">
        <thead>
          <tr>
            <th>{t('history.at')}</th>
            <th>{t('history.actor')}</th>
            <th>{t('history.event')}</th>
            <th>{t('history.state')}</th>
            <th>{t('history.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {data.events.map((event) => (
            <tr key={event.id} data-testid={`order-event-${event.id}`} data-kind={event.kind}>
              <td>{dateTime(event.at)}</td>
              <td>{event.actor}</td>
              <td>{event.kind}</td>
              <td>{event.fromState === null && event.toState === null ? '' : `${event.fromState ?? '—'} → ${event.toState ?? '—'}`}</td>
              <td>{event.detail ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.refunds.length > 0 && (
        <>
          <h4>{t('history.refunds')}</h4>
          <ul data-testid="order-refunds">
            {data.refunds.map((r) => (
              <li key={r.id} data-testid={`order-refund-${r.id}`} data-state={r.state}>
                {dateTime(r.createdAt)} · {money(r.amountMinor, r.currency)} · {r.state}
                {r.reason !== null ? ` · ${r.reason}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {data.attempts.length > 0 && (
        <>
          <h4>{t('history.attempts')}</h4>
          <table className="events" data-testid="order-attempts">
            <tbody>
              {data.attempts.map((a) => (
                <tr key={`${a.reqMsgId}-${a.sentAt}`}>
                  <td>{dateTime(a.sentAt)}</td>
                  <td>{a.api}</td>
                  <td>{a.outcome}</td>
                  <td>{a.resultCode ?? a.unknownReason ?? ''}</td>
                  <td>{a.repeats > 1 ? `×${a.repeats}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
