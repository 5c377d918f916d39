import { userInfo } from 'node:os';
import type { SettledAs } from '../../checkout/settle-by-hand';
import { UsageError, EXIT } from '../output';
import { findOrder } from '../order-lookup';
import { orderJson, orderLine } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

export const SETTLE_USAGE = 'till resolve --settle ID --as cancelled|paid --reason TEXT';

/** Who settles from the terminal: the OS account (the till's own PIN belongs to the screens). */
function terminalUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * `till resolve --settle`: a supervisor at the terminal says how an order ended after
 * checking with Alipay (the NEEDS_REVIEW alarm names the command). Only unresolved orders.
 */
export function settle(ctx: CommandContext, id: string, asText: string | undefined, reason: string | undefined): Promise<number> {
  const as = asText?.toLowerCase();
  if (as !== 'cancelled' && as !== 'paid') throw new UsageError(`--as must be cancelled or paid\nusage: ${SETTLE_USAGE}`);
  if (reason === undefined || reason.trim() === '') throw new UsageError(`--reason is required: what Alipay said, or how it was checked\nusage: ${SETTLE_USAGE}`);
  return withTill(ctx, async (till) => {
    const order = findOrder(till.journal, id);
    const settled = till.engine().settle(order.id, as.toUpperCase() as SettledAs, reason, 'cli', terminalUser());
    ctx.out.result({ ok: true, merchantTransId: settled.merchantTransId, state: settled.state, settledBy: terminalUser(), order: orderJson(settled) });
    ctx.out.say(orderLine(settled));
    ctx.out.say(`Settled by hand as ${settled.state}; the day's report lists it as an exception.`);
    return EXIT.ok;
  });
}
