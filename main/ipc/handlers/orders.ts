import type { OrderView, RequestOf } from '../../../preload/contract';
import { TillError } from '../../errors';
import { hasFirstAnswer } from '../../checkout/order-watch';
import type { OrderRecord } from '../../journal/types';
import type { CallContext, HandlerTable } from '../call-context';
import { attemptView, eventView, orderView, refundView } from '../views';

/** The cashier's orders (create, look, cancel, reprint) and the supervisor's (search, history, refund). */

const RECENT_DEFAULT = 20;
const SEARCH_LIMIT = 50;

function orderOf(ctx: CallContext, orderId: number): OrderRecord {
  const order = ctx.till.journal.getOrder(orderId);
  if (!order) throw new TillError('ORDER_NOT_FOUND', `There is no order ${orderId}.`, { field: 'orderId' });
  return order;
}

async function createOrder(ctx: CallContext, request: RequestOf<'order.create'>): Promise<OrderView> {
  const config = ctx.till.config();
  const created = await ctx.till.engine().create(
    {
      amountMinor: request.amountMinor,
      currency: request.currency ?? config['currency.default'],
      // The wallet shows the title: the store's name when the cashier typed none.
      title: request.title ?? config['store.name'],
      items: request.items,
      cartId: request.cartId,
    },
    'cashier',
  );
  // "Charge" comes back with the gateway's first word (its QR, a refusal, or "checking…"),
  // or once it is found offline. The gateway's own timeout bounds the wait; the screen
  // follows the order's events after that.
  const first = await ctx.till.engine().watchOrder(created.id, {
    done: hasFirstAnswer,
    endWhenOffline: true,
    timeoutMs: config['gateway.timeoutMs'] + 1_000,
    signal: ctx.closing,
  });
  return orderView(first);
}

export const orderHandlers: HandlerTable<
  'order.create' | 'order.get' | 'order.cancel' | 'order.reprint' | 'orders.recent' | 'orders.search' | 'order.history' | 'orders.resolveNow' | 'order.refund' | 'order.settle'
> = {
  'order.create': createOrder,
  'order.get': (ctx, { orderId }) => orderView(orderOf(ctx, orderId)),
  'order.cancel': (ctx, { orderId }) => orderView(ctx.till.engine().cancel(orderOf(ctx, orderId).id, 'cashier')),
  'order.reprint': (ctx, { orderId }) => {
    const order = orderOf(ctx, orderId);
    const { manager, checkout } = ctx.devices.get();
    const ticket = checkout.reprint(order);
    return { queued: manager.status(ticket.device)?.queued ?? 0 };
  },
  'orders.recent': (ctx, { limit }) => {
    const journal = ctx.till.journal;
    return journal.listOrders({ day: journal.businessDayFor(), limit: limit ?? RECENT_DEFAULT }).map(orderView);
  },
  'orders.search': (ctx, { tail }) => ctx.till.journal.findByTail(tail, SEARCH_LIMIT).map(orderView),
  'order.history': (ctx, { orderId }) => {
    const journal = ctx.till.journal;
    const order = orderOf(ctx, orderId);
    return {
      order: orderView(order),
      events: journal.events(order.id).map(eventView),
      refunds: journal.refunds(order.id).map(refundView),
      attempts: journal.attempts(order.id).map(attemptView),
    };
  },
  'orders.resolveNow': async (ctx) => {
    await ctx.till.engine().resolveNow();
    return { unresolved: ctx.till.journal.countUnresolved() };
  },
  'order.refund': async (ctx, { orderId, amountMinor, reason, refundKey }) => refundView(await ctx.till.engine().refund(orderOf(ctx, orderId).id, amountMinor, reason, 'supervisor', refundKey)),
  // Behind the supervisor PIN; the event names the screen the decision came from.
  'order.settle': (ctx, { orderId, as, reason }) => {
    const settled = ctx.till.engine().settle(orderOf(ctx, orderId).id, as === 'paid' ? 'PAID' : 'CANCELLED', reason, 'supervisor', `supervisor (${ctx.connection.info.label})`);
    ctx.statusChanged();
    return orderView(settled);
  },
};
