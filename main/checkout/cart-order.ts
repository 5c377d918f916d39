import { buildPreCreateBody, type MerchantSetup } from '../alipay/precreate-body';
import type { AllocatedOrderId } from '../journal/journal';
import type { NewOrder } from '../journal/types';
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
