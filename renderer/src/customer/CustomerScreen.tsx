import { useEffect, useState } from 'react';
import type { OrderView } from '../../../preload/contract';
import { useTill, useTillEvents } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';
import { QrCode } from '../qr/QrCode';
import { formatCountdown } from '../order/countdown';
import { orderPhase } from '../order/order-status';
import { StatusBadge } from '../order/StatusBadge';
import { useCountdown } from '../order/use-countdown';
import { follow, initialOrder, lingerMs } from './customer-follow';

/** The screen the customer faces: nothing to press, readable and scannable from 40 cm. */
export function CustomerScreen() {
  const { call, status, link } = useTill();
  const { t, money } = useI18n();
  const [order, setOrder] = useState<OrderView | null>(null);

  useEffect(() => {
    if (link.status !== 'open') return;
    void call('orders.recent', { limit: 1 }).then((result) => {
      if (result.ok) {
        const start = initialOrder(result.value);
        if (start !== null) setOrder((current) => follow(current, start));
      }
    });
  }, [link.status, link.opened, call]);

  useTillEvents((event) => {
    if (event.type === 'order') setOrder((current) => follow(current, event.order));
  });

  const linger = order === null ? null : lingerMs(order);
  useEffect(() => {
    if (linger === null || order === null) return;
    const shown = order.id;
    const timer = setTimeout(() => setOrder((current) => (current?.id === shown ? null : current)), linger);
    return () => clearTimeout(timer);
  }, [linger, order]);

  const phase = order === null ? null : orderPhase(order);
  const left = useCountdown(order?.payDeadline ?? null, phase === 'waiting');

  return (
    <div className={`screen customer-screen${phase === null ? '' : ` customer-${phase}`}`} data-testid="customer-screen" data-phase={phase ?? 'idle'}>
      <header className="customer-header">
        <p className="customer-merchant" data-testid="customer-merchant">
          {status?.merchantName ?? ''}
        </p>
        <p className="muted">{status?.storeName ?? ''}</p>
      </header>
      {order === null || phase === null ? (
        <main className="customer-idle" data-testid="customer-idle">
          <p className="customer-welcome">{t('customer.welcome')}</p>
          <p className="muted">{t('customer.payWith')}</p>
        </main>
      ) : (
        <main className="customer-main">
          <div className="customer-info">
            <p className="amount amount-customer" data-testid="customer-amount">
              {money(order.amountMinor, order.currency)}
            </p>
            <StatusBadge order={order} testId="customer-status" large />
            {phase === 'paid' && (
              <p className="customer-thanks" data-testid="customer-thanks">
                {t('customer.thanks')}
              </p>
            )}
            {phase === 'waiting' && order.qrCode !== null && (
              <>
                <p className="customer-hint">{t('customer.scan')}</p>
                {left !== null && (
                  <p className="countdown" data-testid="customer-countdown">
                    {formatCountdown(left)}
                  </p>
                )}
              </>
            )}
          </div>
          {phase === 'waiting' && order.qrCode !== null && <QrCode text={order.qrCode} label={t('payment.qrLabel')} testId="customer-qr" className="qr-customer" />}
        </main>
      )}
    </div>
  );
}
