import { useEffect, useState } from 'react';
import type { OrderView, RefundView, TillErrorView } from '../../../preload/contract';
import { useI18n } from '../i18n/i18n-context';
import { amountText, parseAmountText } from '../money/currency';
import { newCartId } from '../order/cart-id';
import { ErrorNote } from '../ui/ErrorNote';
import { useSupervisorCall } from './use-supervisor-call';

const MAX_REASON_CHARS = 200;

/** Refund part or all of what is left on a paid order. */
export function RefundForm({ orderId, onDone, onClose }: { orderId: number; onDone: (refund: RefundView) => void; onClose: () => void }) {
  const call = useSupervisorCall();
  const { t, money } = useI18n();
  const [order, setOrder] = useState<OrderView | null>(null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<TillErrorView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key for this form: a double click or a retry after a lost reply is the same refund.
  const [refundKey] = useState(() => newCartId().replace(/^cart-/, 'refund-'));

  useEffect(() => {
    void call('order.get', { orderId }).then((result) => {
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setOrder(result.value);
      const left = result.value.amountMinor - result.value.refundedMinor;
      setAmount(left > 0 ? amountText(left, result.value.currency) : '');
    });
  }, [orderId, call]);

  async function submit(): Promise<void> {
    if (order === null) return;
    const left = order.amountMinor - order.refundedMinor;
    const parsed = parseAmountText(amount, order.currency, Math.max(left, 0));
    if (!parsed.ok) {
      setProblem(t(`refund.problem.${parsed.reason}`, { max: money(Math.max(left, 0), order.currency) }));
      return;
    }
    setProblem(null);
    setBusy(true);
    const request = reason.trim() === '' ? { orderId, amountMinor: parsed.minor, refundKey } : { orderId, amountMinor: parsed.minor, reason: reason.trim(), refundKey };
    const result = await call('order.refund', request);
    setBusy(false);
    if (result.ok) onDone(result.value);
    else setError(result.error);
  }

  return (
    <form
      className="panel refund-form"
      data-testid="refund-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('refund.heading')}</h3>
      {order !== null && (
        <p data-testid="refund-order">
          {order.merchantTransId} · {money(order.amountMinor, order.currency)} · {t('refund.already', { amount: money(order.refundedMinor, order.currency) })}
        </p>
      )}
      <label className="field">
        <span>{t('refund.amount', { currency: order?.currency ?? '' })}</span>
        <input data-testid="refund-amount" inputMode="decimal" value={amount} maxLength={20} onChange={(e) => setAmount(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('refund.reason')}</span>
        <input data-testid="refund-reason" value={reason} maxLength={MAX_REASON_CHARS} onChange={(e) => setReason(e.target.value)} />
      </label>
      {problem !== null && (
        <p className="note note-error" role="alert" data-testid="refund-problem">
          {problem}
        </p>
      )}
      <ErrorNote error={error} testId="refund-error" />
      <div className="actions">
        <button type="submit" className="btn btn-danger" data-testid="refund-submit" disabled={busy || order === null}>
          {t('refund.submit')}
        </button>
        <button type="button" className="btn" data-testid="refund-cancel" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </form>
  );
}

export function RefundResult({ refund }: { refund: RefundView | null }) {
  const { t, money } = useI18n();
  if (refund === null) return null;
  return (
    <p className={`note ${refund.state === 'FAILED' ? 'note-error' : 'note-ok'}`} role="status" data-testid="refund-result" data-state={refund.state}>
      {t(`refund.state.${refund.state}`, { amount: money(refund.amountMinor, refund.currency) })}
      {refund.cashierMessage !== null ? ` — ${t(`result.${refund.cashierMessage}`)}` : ''}
    </p>
  );
}
