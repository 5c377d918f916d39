import { useCallback, useState } from 'react';
import type { CurrencyTotalsView, DayReportView, RefundView, TillErrorView, TotalsView } from '../../../preload/contract';
import { useTillEvents } from '../app/till-context';
import { useCoalesced } from '../app/use-coalesced';
import { useI18n } from '../i18n/i18n-context';
import { ConfirmButton } from '../ui/ConfirmButton';
import { downloadText } from '../ui/download';
import { ErrorNote, OkNote } from '../ui/ErrorNote';
import { RefundForm, RefundResult } from './RefundForm';
import { useLoad, useSupervisorCall } from './use-supervisor-call';

const RELOAD_MS = 1_000;

const TOTAL_ROWS = ['paid', 'refunded', 'cancelled', 'failed', 'unresolved'] as const;

function TotalsTable({ totals }: { totals: CurrencyTotalsView }) {
  const { t, money } = useI18n();
  const cell = (row: (typeof TOTAL_ROWS)[number], value: TotalsView) => (
    <tr key={row} data-testid={`total-${totals.currency}-${row}`} data-count={value.count} data-minor={value.amountMinor}>
      <th scope="row">{t(`day.row.${row}`)}</th>
      <td className="num">{value.count}</td>
      <td className="num">{money(value.amountMinor, totals.currency)}</td>
    </tr>
  );
  return (
    <table className="totals" data-testid={`day-totals-${totals.currency}`}>
      <caption>{totals.currency}</caption>
      <thead>
        <tr>
          <th />
          <th className="num">{t('day.count')}</th>
          <th className="num">{t('day.amount')}</th>
        </tr>
      </thead>
      <tbody>
        {TOTAL_ROWS.map((row) => cell(row, totals[row]))}
        <tr className="total-net" data-testid={`total-${totals.currency}-net`} data-minor={totals.netMinor}>
          <th scope="row">{t('day.row.net')}</th>
          <td />
          <td className="num">{money(totals.netMinor, totals.currency)}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** The business day: totals, what needs a person, close-of-day and the CSV export. */
export function DayTab() {
  const call = useSupervisorCall();
  const { t, dateTime } = useI18n();
  const [day, setDay] = useState('');
  const [asked, setAsked] = useState('');
  const load = useCallback(() => call('day.reconcile', asked === '' ? {} : { day: asked }), [call, asked]);
  const report = useLoad<DayReportView>(load);
  const [error, setError] = useState<TillErrorView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [refundFor, setRefundFor] = useState<number | null>(null);
  const [refund, setRefund] = useState<RefundView | null>(null);
  const [busy, setBusy] = useState(false);
  // The day's figures move while the supervisor looks at them (payments, refunds resolving).
  const reloadSoon = useCoalesced(report.reload, RELOAD_MS);
  useTillEvents((event) => {
    if (event.type === 'refund') setRefund((shown) => (shown !== null && shown.id === event.refund.id ? event.refund : shown));
    if (event.type === 'order' || event.type === 'refund' || event.type === 'alarm') reloadSoon();
  });

  async function act(run: () => Promise<{ ok: true; notice: string } | { ok: false; error: TillErrorView }>): Promise<void> {
    setBusy(true);
    const outcome = await run();
    setBusy(false);
    setError(outcome.ok ? null : outcome.error);
    setNotice(outcome.ok ? outcome.notice : null);
    report.reload();
  }

  const resolveNow = () =>
    act(async () => {
      const r = await call('orders.resolveNow', {});
      return r.ok ? { ok: true, notice: t('day.resolved', { count: r.value.unresolved }) } : r;
    });
  const cancelOrder = (orderId: number) =>
    act(async () => {
      const r = await call('order.cancel', { orderId });
      return r.ok ? { ok: true, notice: t('day.cancelled', { id: r.value.merchantTransId }) } : r;
    });
  const clearAlarm = (alarmId: number) =>
    act(async () => {
      const r = await call('alarm.clear', { alarmId });
      return r.ok ? { ok: true, notice: t('day.alarmCleared') } : r;
    });
  const closeDay = () =>
    act(async () => {
      const r = await call('day.close', asked === '' ? {} : { day: asked });
      return r.ok ? { ok: true, notice: t('day.closedNotice', { day: r.value.day }) } : r;
    });
  const exportCsv = () =>
    act(async () => {
      const r = await call('day.csv', asked === '' ? {} : { day: asked });
      if (!r.ok) return r;
      downloadText(r.value.filename, r.value.text);
      return { ok: true, notice: t('day.csvDone', { file: r.value.filename }) };
    });

  const data = report.data;
  return (
    <div className="tab day-tab" data-testid="day-tab">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(day);
        }}
      >
        <label className="field">
          <span>{t('day.day')}</span>
          <input type="date" data-testid="day-input" value={day} onChange={(e) => setDay(e.target.value)} />
        </label>
        <button type="submit" className="btn" data-testid="day-load">
          {t('day.show')}
        </button>
        <button type="button" className="btn" data-testid="csv-button" disabled={busy} onClick={() => void exportCsv()}>
          {t('day.csv')}
        </button>
        <ConfirmButton label={t('day.close')} testId="day-close" disabled={busy || data === null || data.closed} onConfirm={() => void closeDay()} />
      </form>
      <ErrorNote error={report.error ?? error} testId="day-error" />
      <OkNote text={notice} testId="day-notice" />
      {data !== null && (
        <>
          <h2 data-testid="day-heading">
            {t('day.heading', { day: data.day, count: data.orderCount })}
            {data.closed && (
              <span className="badge badge-closed" data-testid="day-closed">
                {t('day.closedAt', { at: data.closedAt === null ? '' : dateTime(data.closedAt) })}
              </span>
            )}
          </h2>
          <div className="totals-grid" data-testid="day-totals">
            {data.currencies.length === 0 ? <p className="muted">{t('day.noOrders')}</p> : data.currencies.map((c) => <TotalsTable key={c.currency} totals={c} />)}
          </div>
          <h3>{t('day.exceptions')}</h3>
          {data.exceptions.length === 0 ? (
            <p className="muted" data-testid="day-no-exceptions">
              {t('day.noExceptions')}
            </p>
          ) : (
            <ul className="exceptions" data-testid="day-exceptions">
              {data.exceptions.map((x, i) => (
                <li key={`${x.kind}-${x.orderId ?? 'none'}-${i}`} data-testid={`exception-${i}`} data-kind={x.kind} data-order-id={x.orderId ?? ''}>
                  <span className="badge badge-checking">{t(`day.kind.${x.kind}`)}</span>
                  <span className="grow">
                    {x.merchantTransId !== null && <strong>{x.merchantTransId} </strong>}
                    {x.message}
                  </span>
                  <button type="button" className="btn" data-testid={`exception-resolve-${i}`} disabled={busy} onClick={() => void resolveNow()}>
                    {t('day.queryNow')}
                  </button>
                  {x.orderId !== null && (
                    <>
                      <button type="button" className="btn" data-testid={`exception-cancel-${i}`} disabled={busy} onClick={() => void cancelOrder(x.orderId as number)}>
                        {t('day.cancelOrder')}
                      </button>
                      <button
                        type="button"
                        className="btn"
                        data-testid={`exception-refund-${i}`}
                        disabled={busy}
                        onClick={() => {
                          setRefund(null);
                          setRefundFor(x.orderId);
                        }}
                      >
                        {t('day.refund')}
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {refundFor !== null && (
            <RefundForm
              orderId={refundFor}
              onClose={() => setRefundFor(null)}
              onDone={(r) => {
                setRefund(r);
                setRefundFor(null);
                report.reload();
              }}
            />
          )}
          <RefundResult refund={refund} />
          {data.alarms.length > 0 && (
            <>
              <h3>{t('day.alarms')}</h3>
              <ul className="exceptions" data-testid="day-alarms">
                {data.alarms.map((alarm) => (
                  <li key={alarm.id} data-testid={`alarm-${alarm.id}`}>
                    <span className="muted">{dateTime(alarm.raisedAt)}</span>
                    <span className="grow">{alarm.message}</span>
                    {alarm.clearedAt === null ? (
                      <button type="button" className="btn" data-testid={`alarm-clear-${alarm.id}`} disabled={busy} onClick={() => void clearAlarm(alarm.id)}>
                        {t('day.clearAlarm')}
                      </button>
                    ) : (
                      <span className="muted">{t('day.alarmClearedAt', { at: dateTime(alarm.clearedAt) })}</span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </div>
  );
}
