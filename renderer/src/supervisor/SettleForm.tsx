import { useState } from 'react';
import type { OrderView, TillErrorView } from '../../../preload/contract';
import { useI18n } from '../i18n/i18n-context';
import { ErrorNote } from '../ui/ErrorNote';
import { useSupervisorCall } from './use-supervisor-call';

const MAX_REASON_CHARS = 256;

/**
 * Settle by hand: for an order whose outcome the gateway does not give (a NEEDS_REVIEW
 * alarm), after the supervisor checked with Alipay. The reason is required and kept.
 */
export function SettleForm({ order, onDone, onClose }: { order: OrderView; onDone: () => void; onClose: () => void }) {
  const call = useSupervisorCall();
  const { t } = useI18n();
  const [as, setAs] = useState<'cancelled' | 'paid'>('cancelled');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<TillErrorView | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(): Promise<void> {
    if (reason.trim() === '') return;
    setBusy(true);
    const result = await call('order.settle', { orderId: order.id, as, reason: reason.trim() });
    setBusy(false);
    if (result.ok) onDone();
    else setError(result.error);
  }

  return (
    <form
      className="panel settle-form"
      data-testid="settle-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('settle.heading')}</h3>
      <p className="muted">{t('settle.explain')}</p>
      <label>
        <input type="radio" name="settle-as" checked={as === 'cancelled'} onChange={() => setAs('cancelled')} data-testid="settle-as-cancelled" /> {t('settle.asCancelled')}
      </label>
      <label>
        <input type="radio" name="settle-as" checked={as === 'paid'} onChange={() => setAs('paid')} data-testid="settle-as-paid" /> {t('settle.asPaid')}
      </label>
      <label>
        {t('settle.reason')}
        <input type="text" value={reason} maxLength={MAX_REASON_CHARS} onChange={(e) => setReason(e.target.value)} data-testid="settle-reason" />
      </label>
      <ErrorNote error={error} testId="settle-error" />
      <div className="actions">
        <button type="submit" className="btn btn-danger" disabled={busy || reason.trim() === ''} data-testid="settle-submit">
          {t('settle.submit')}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          {t('settle.close')}
        </button>
      </div>
    </form>
  );
}
