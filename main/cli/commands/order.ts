import { parse } from '../args';
import { EXIT } from '../output';
import { findOrder } from '../order-lookup';
import { eventJson, eventLine, journaledAttemptJson, money, orderJson, orderLine } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till order ID   (the merchantTransId or its last digits)';

export function run(ctx: CommandContext): Promise<number> {
  const { positionals } = parse(ctx.args, {}, { min: 1, max: 1, usage: USAGE });
  return withTill(ctx, async (till) => {
    const order = findOrder(till.journal, positionals[0]!);
    const events = till.journal.events(order.id);
    const refunds = till.journal.refunds(order.id);
    ctx.out.result({
      ok: true,
      order: orderJson(order),
      events: events.map(eventJson),
      attempts: till.journal.attempts(order.id).map(journaledAttemptJson),
      refunds: refunds.map((r) => ({ merchantRefundId: r.merchantRefundId, state: r.state, amount: { currency: r.currency, value: String(r.amountMinor) }, reason: r.reason, refundId: r.refundId })),
    });
    ctx.out.say(orderLine(order));
    if (order.qrCode) ctx.out.say(`QR: ${order.qrCode}`);
    if (order.acquirementId) ctx.out.say(`Alipay transaction: ${order.acquirementId}`);
    for (const r of refunds) ctx.out.say(`refund ${r.merchantRefundId}: ${r.state} ${money(r.amountMinor, r.currency)}`);
    ctx.out.say('History:');
    for (const event of events) ctx.out.say(`  ${eventLine(event)}`);
    return EXIT.ok;
  });
}
