import type { OrderView, TillErrorView } from '../../../preload/contract';
import { useI18n } from '../i18n/i18n-context';
import { QrCode } from '../qr/QrCode';
import { ErrorNote, OkNote } from '../ui/ErrorNote';
import { formatCountdown } from '../order/countdown';
import { canCancel, canLeave, isFinal, orderPhase, type OrderPhase } from '../order/order-status';
import { StatusBadge } from '../order/StatusBadge';
import { useCountdown } from '../order/use-countdown';

const RESULT_MARK: Record<OrderPhase, string> = { creating: '…', waiting: '…', checking: '?', cancelling: '…', paid: '✓', refunded: '✓', cancelled: '✕', failed: '✕' };

export interface PaymentActions {
  cancel(): void;
  reprint(): void;
  newSale(): void;
}

/** The order being paid: QR, amount, time left, live status and the cashier's actions. */
export function PaymentPanel({
  order,
  actions,
  busy,
  error,
  notice,
}: {
  order: OrderView;
  actions: PaymentActions;
  busy: boolean;
  error: TillErrorView | null;
  notice: string | null;
}) {
  const { t, money } = useI18n();
  const phase = orderPhase(order);
  const waiting = phase === 'waiting';
  const left = useCountdown(order.payDeadline, waiting);
  const final = isFinal(phase);
  return (
    <section className={`panel payment payment-${phase}`} data-testid="payment-panel" data-order-id={order.id}>
      <p className="amount amount-payment" data-testid="payment-amount">
        {money(order.amountMinor, order.currency)}
      </p>
      <div className="payment-body">
        {waiting && order.qrCode !== null ? (
          <QrCode text={order.qrCode} label={t('payment.qrLabel')} testId="payment-qr" className="qr-till" />
        ) : (
          <div className={`payment-result result-${phase}`} data-testid="payment-result">
            {RESULT_MARK[phase]}
          </div>
        )}
        <div className="payment-side">
          <StatusBadge order={order} testId="payment-status" large />
          {waiting && left !== null && (
            <p className="countdown" data-testid="payment-countdown" aria-label={t('payment.timeLeft')}>
              {formatCountdown(left)}
            </p>
          )}
          {phase === 'failed' && order.cashierMessage !== null && (
            <p className="note note-error" data-testid="payment-message">
              {t(`result.${order.cashierMessage}`)}
            </p>
          )}
          {phase === 'checking' && <p className="muted" data-testid="payment-checking-hint">{t('payment.checkingHint')}</p>}
          <p className="muted small" data-testid="payment-trans-id">
            {t('payment.reference', { id: order.merchantTransId })}
          </p>
        </div>
      </div>
      <ErrorNote error={error} testId="payment-error" />
      <OkNote text={notice} testId="reprint-result" />
      <div className="actions">
        {!final && (
          <button type="button" className="btn btn-danger btn-big" data-testid="cancel-button" disabled={busy || !canCancel(order)} onClick={actions.cancel}>
            {t('payment.cancel')}
          </button>
        )}
        <button type="button" className="btn btn-big" data-testid="reprint-button" disabled={busy} onClick={actions.reprint}>
          {t('payment.reprint')}
        </button>
        <button type="button" className="btn btn-primary btn-big" data-testid="new-sale-button" disabled={!canLeave(phase)} onClick={actions.newSale}>
          {t('payment.newSale')}
        </button>
      </div>
    </section>
  );
}
