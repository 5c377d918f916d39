import { isDay } from '../../journal/business-day';
import { ORDER_STATES, type OrderState } from '../../journal/types';
import { parse, stringOption } from '../args';
import { EXIT, UsageError } from '../output';
import { orderJson, orderLine } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till orders [--date YYYY-MM-DD] [--state STATE] [--limit N]';

export function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { date: { type: 'string' }, state: { type: 'string' }, limit: { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const day = stringOption(values, 'date');
  if (day !== undefined && !isDay(day)) throw new UsageError(`--date must be a date like 2026-11-25\nusage: ${USAGE}`);
  const state = stringOption(values, 'state')?.toUpperCase();
  if (state !== undefined && !(ORDER_STATES as readonly string[]).includes(state)) throw new UsageError(`--state must be one of ${ORDER_STATES.join(', ')}`);
  const limitText = stringOption(values, 'limit') ?? '50';
  if (!/^\d{1,4}$/.test(limitText) || Number(limitText) === 0) throw new UsageError('--limit must be 1..9999');
  return withTill(ctx, async (till) => {
    const orders = till.journal.listOrders({ day, state: state as OrderState | undefined, limit: Number(limitText) });
    ctx.out.result({ ok: true, orders: orders.map(orderJson) });
    if (orders.length === 0) ctx.out.say('No orders.');
    for (const order of orders) ctx.out.say(orderLine(order));
    return EXIT.ok;
  });
}
