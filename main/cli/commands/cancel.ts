import { isUnresolved } from '../../journal/types';
import { parse } from '../args';
import { EXIT } from '../output';
import { findOrder } from '../order-lookup';
import { orderJson, orderLine } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till cancel ID   (the merchantTransId or its last digits)';

/** The cashier's cancel, through the engine: a cancel that finds the order paid ends PAID with an alarm. */
export function run(ctx: CommandContext): Promise<number> {
  const { positionals } = parse(ctx.args, {}, { min: 1, max: 1, usage: USAGE });
  return withTill(ctx, async (till) => {
    const order = findOrder(till.journal, positionals[0]!);
    const engine = till.engine();
    engine.start();
    engine.cancel(order.id, 'cli');
    const final = await engine.waitFor(order.id, (o) => !isUnresolved(o.state), till.config()['gateway.timeoutMs'] * 4).catch(() => till.journal.getOrder(order.id)!);
    ctx.out.result({ ok: final.state === 'CANCELLED', merchantTransId: final.merchantTransId, cancelled: final.state === 'CANCELLED', order: orderJson(final) });
    ctx.out.say(orderLine(final));
    if (final.state === 'PAID') ctx.out.say('The customer had already paid: the order stays PAID and a supervisor must decide on a refund.');
    else if (isUnresolved(final.state)) ctx.out.say('The cancel is journaled and will be carried out when the gateway answers (`till resolve`).');
    return final.state === 'CANCELLED' ? EXIT.ok : isUnresolved(final.state) ? EXIT.unknown : EXIT.declined;
  });
}
