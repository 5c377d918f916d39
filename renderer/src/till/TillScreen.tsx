import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { OrderView, TillErrorView } from '../../../preload/contract';
import { useTill, useTillEvents } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';
import { Banners } from '../ui/Banners';
import { ErrorNote } from '../ui/ErrorNote';
import { ScreenHeader } from '../ui/ScreenHeader';
import { cartReducer, cartTotal, chargeRequest, emptyCart } from './cart';
import { newCartId } from '../order/cart-id';
import { CartPanel } from './CartPanel';
import { keyCommand } from './keyboard';
import { Keypad } from './Keypad';
import { canCancel, canLeave, mergeRecent, newer, orderPhase } from '../order/order-status';
import { PaymentPanel } from './PaymentPanel';
import { RecentOrders } from './RecentOrders';

const RECENT_LIMIT = 8;
const RECENT_REFRESH_MS = 30_000;
/** Order events seen lately, so a reply that arrives after its own events is not older news. */
const SEEN_LIMIT = 32;

const reduceCart = cartReducer(newCartId);

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function TillScreen() {
  const { call, status, link } = useTill();
  const { t, money } = useI18n();
  const [cart, dispatch] = useReducer(reduceCart, undefined, () => emptyCart(newCartId));
  const [order, setOrder] = useState<OrderView | null>(null);
  const [charging, setCharging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<TillErrorView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [recent, setRecent] = useState<OrderView[]>([]);
  const seen = useRef(new Map<number, OrderView>());
  // Guards Charge between the click and the re-render that disables the button.
  const chargingNow = useRef(false);

  const currency = status?.currency ?? 'USD';
  const fallbackTitle = status?.storeName ?? '';

  const loadRecent = useCallback(async () => {
    const result = await call('orders.recent', { limit: RECENT_LIMIT });
    if (result.ok) setRecent(result.value);
  }, [call]);

  useEffect(() => {
    if (link.status !== 'open') return;
    void loadRecent();
    // Another process (the till CLI) can change orders without an event reaching this screen.
    const timer = setInterval(() => void loadRecent(), RECENT_REFRESH_MS);
    return () => clearInterval(timer);
  }, [link.status, link.opened, loadRecent]);

  // After a reconnect the events in between are lost: read the order again.
  const orderId = order?.id ?? null;
  useEffect(() => {
    if (link.status !== 'open' || orderId === null) return;
    void call('order.get', { orderId }).then((result) => {
      if (result.ok) setOrder((current) => (current !== null && current.id === result.value.id ? newer(current, result.value) : current));
    });
  }, [link.opened, link.status, orderId, call]);

  useTillEvents((event) => {
    if (event.type !== 'order') return;
    const incoming = event.order;
    seen.current.set(incoming.id, newer(seen.current.get(incoming.id) ?? null, incoming));
    if (seen.current.size > SEEN_LIMIT) seen.current.delete(seen.current.keys().next().value as number);
    setOrder((current) => (current !== null && current.id === incoming.id ? newer(current, incoming) : current));
    setRecent((list) => mergeRecent(list, incoming, RECENT_LIMIT));
  });

  const charge = useCallback(async () => {
    if (chargingNow.current || order !== null) return;
    const request = chargeRequest(cart, currency, fallbackTitle);
    if (request === null) return;
    chargingNow.current = true;
    setCharging(true);
    setError(null);
    const result = await call('order.create', request);
    chargingNow.current = false;
    setCharging(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const created = newer(seen.current.get(result.value.id) ?? null, result.value);
    setOrder(created);
    setNotice(null);
    setRecent((list) => mergeRecent(list, created, RECENT_LIMIT));
  }, [order, cart, currency, fallbackTitle, call]);

  const cancel = useCallback(async () => {
    if (order === null) return;
    setBusy(true);
    const result = await call('order.cancel', { orderId: order.id });
    setBusy(false);
    if (result.ok) setOrder((current) => (current === null ? current : newer(current, result.value)));
    setError(result.ok ? null : result.error);
  }, [order, call]);

  const reprint = useCallback(async () => {
    if (order === null) return;
    setBusy(true);
    const result = await call('order.reprint', { orderId: order.id });
    setBusy(false);
    setError(result.ok ? null : result.error);
    setNotice(result.ok ? t('payment.reprinted', { count: result.value.queued }) : null);
  }, [order, call, t]);

  const newSale = useCallback(() => {
    setOrder(null);
    setError(null);
    setNotice(null);
    dispatch({ type: 'new-sale' });
  }, []);

  const phase = order === null ? null : orderPhase(order);
  useEffect(() => {
    function onKey(event: KeyboardEvent): void {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const typing = isTyping(event.target);
      // In a text field only Enter (Charge) and Escape reach the till; the rest is typing.
      if (typing && event.key !== 'Enter' && event.key !== 'Escape') return;
      if (typing && event.key === 'Enter' && (event.target as HTMLElement).closest('form') !== null) return;
      const command = keyCommand(event.key, order === null ? 'entry' : 'payment', {
        canCancel: order !== null && canCancel(order),
        canLeave: phase !== null && canLeave(phase),
      });
      if (command === null) return;
      event.preventDefault();
      if (command.type === 'entry') dispatch({ type: 'key', key: command.key });
      else if (command.type === 'charge') void charge();
      else if (command.type === 'cancel') void cancel();
      else newSale();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [order, phase, charge, cancel, newSale]);

  const total = cartTotal(cart);
  const itemsMode = cart.items.length > 0;
  return (
    <div className="screen till-screen" data-testid="till-screen">
      <ScreenHeader>
        <a className="btn nav-link" href="#/supervisor" data-testid="nav-supervisor">
          {t('nav.supervisor')}
        </a>
      </ScreenHeader>
      <Banners />
      <main className="till-main">
        <section className="till-left">
          {order === null ? (
            <div className="panel entry">
              <p className="label">{itemsMode ? t('till.total') : t('till.amount')}</p>
              <p className="amount amount-entry" data-testid="amount-display" data-minor={total} data-currency={currency}>
                {money(total, currency)}
              </p>
              {itemsMode && (
                <p className="muted" data-testid="entry-display" data-minor={cart.entryMinor}>
                  {t('till.nextItemPrice', { price: money(cart.entryMinor, currency) })}
                </p>
              )}
              <ErrorNote error={error} testId="charge-error" />
              <Keypad onKey={(key) => dispatch({ type: 'key', key })} disabled={charging} />
              <div className="entry-actions">
                <button type="button" className="btn btn-big" data-testid="key-clear" onClick={() => dispatch({ type: 'key', key: 'clear' })}>
                  {t('till.clear')}
                </button>
                <button
                  type="button"
                  className="btn btn-primary btn-big btn-charge"
                  data-testid="charge-button"
                  disabled={charging || chargeRequest(cart, currency, fallbackTitle) === null}
                  onClick={() => void charge()}
                >
                  {charging ? t('till.charging') : t('till.charge', { amount: money(total, currency) })}
                </button>
              </div>
            </div>
          ) : (
            <PaymentPanel order={order} actions={{ cancel: () => void cancel(), reprint: () => void reprint(), newSale }} busy={busy} error={error} notice={notice} />
          )}
        </section>
        <aside className="till-right">
          {order === null && <CartPanel cart={cart} dispatch={dispatch} currency={currency} titlePlaceholder={fallbackTitle} />}
          <RecentOrders orders={recent} />
        </aside>
      </main>
    </div>
  );
}
