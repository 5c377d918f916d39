import type { OrderView } from '../../../preload/contract';
import { useI18n } from '../i18n/i18n-context';
import { StatusBadge } from '../order/StatusBadge';

export function RecentOrders({ orders }: { orders: readonly OrderView[] }) {
  const { t, money, time } = useI18n();
  return (
    <section className="panel recent" aria-label={t('recent.heading')}>
      <h2>{t('recent.heading')}</h2>
      {orders.length === 0 ? (
        <p className="muted" data-testid="recent-orders-empty">
          {t('recent.none')}
        </p>
      ) : (
        <ul className="recent-list" data-testid="recent-orders">
          {orders.map((order) => (
            <li key={order.id} data-testid={`recent-order-${order.id}`} data-trans-id={order.merchantTransId}>
              <span className="muted">{time(order.createdAt)}</span>
              <span className="trans-tail">…{order.merchantTransId.slice(-6)}</span>
              <span className="grow amount-cell">{money(order.amountMinor, order.currency)}</span>
              <StatusBadge order={order} testId={`recent-order-status-${order.id}`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
