import { buildPreCreateBody, type MerchantSetup } from '../alipay/precreate-body';
import type { AllocatedOrderId, Journal } from '../journal/journal';
import type { Actor, NewOrder, OrderRecord } from '../journal/types';
import type { CartInput } from './engine-types';

/**
 * The row a cart becomes once the journal has given it its merchantTransId: the preCreate
 * body is built and frozen here, so every re-send is the same bytes and the gateway sees
 * one order (docs/protocol.md §4). Title and detail are kept as the body holds
 * them (cut to the gateway's limits), which is what the wallet shows.
 */
export function cartOrder(cart: CartInput, setup: MerchantSetup, ids: AllocatedOrderId): Omit<NewOrder, 'merchantTransId' | 'businessDay' | 'seq' | 'terminalId'> {
  const built = buildPreCreateBody(
    { merchantTransId: ids.merchantTransId, amountMinor: cart.amountMinor, currency: cart.currency, title: cart.title, detail: cart.detail, items: cart.items },
    setup,
  );
  const body = built.body as { order: { orderTitle: string; orderDetail: string } };
  return {
    amountMinor: cart.amountMinor,
    currency: cart.currency,
    title: body.order.orderTitle,
    detail: body.order.orderDetail,
    items: (cart.items ?? []).map((i) => ({ name: i.name, quantity: i.quantity, unitPriceMinor: i.unitPriceMinor })),
    bodyText: built.bodyText,
    cartId: cart.cartId ?? null,
  };
}

/**
 * Journals a cart as the next order. With `sendNow` (the engine online and free to send) it
 * is journaled SENDING, its 'created' and 'sending' events both, in the same commit: one
 * fsync fewer before the QR (issue 16). Otherwise it stays NEW, and cancelling it then needs
 * no gateway. A cart id already used returns that order with created: false.
 */
export function journalCart(journal: Journal, terminalId: string, cart: CartInput, setup: MerchantSetup, actor: Actor, sendNow: boolean): { order: OrderRecord; created: boolean } {
  return journal.atomically('journal a new order', () => {
    const made = journal.createNextOrder(terminalId, (ids) => cartOrder(cart, setup, ids), actor);
    if (!made.created || !sendNow) return made;
    return { order: journal.transition(made.order.id, 'NEW', { state: 'SENDING' }, { actor: 'engine', kind: 'sending' }) ?? made.order, created: true };
  });
}
