import { counted } from '../counted';
import { isUnresolved } from '../../journal/types';
import { parse, stringOption } from '../args';
import { EXIT, UsageError } from '../output';
import { orderLine } from '../render-order';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';
import { SETTLE_USAGE, settle } from './resolve-settle';

const USAGE = `till resolve [--wait SECONDS]\n       ${SETTLE_USAGE}`;

/**
 * Resolves unknown outcomes now: every unresolved order and pending refund is carried on
 * (resend, query, cancel) until it is final, or until --wait runs out.
 */
/** How often a long resolve says where it is. */
const PROGRESS_MS = 5_000;

export function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { wait: { type: 'string' }, settle: { type: 'string' }, as: { type: 'string' }, reason: { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const settleId = stringOption(values, 'settle');
  if (settleId !== undefined) return settle(ctx, settleId, stringOption(values, 'as'), stringOption(values, 'reason'));
  if (stringOption(values, 'as') !== undefined || stringOption(values, 'reason') !== undefined) throw new UsageError(`--as and --reason go with --settle\nusage: ${USAGE}`);
  const waitText = stringOption(values, 'wait');
  if (waitText !== undefined && !/^\d{1,5}$/.test(waitText)) throw new UsageError(`--wait must be whole seconds\nusage: ${USAGE}`);
  return withTill(ctx, async (till) => {
    const engine = till.engine();
    const waitMs = waitText !== undefined ? Number(waitText) * 1000 : engine.settings.paymentWindowMs + 60_000;
    const before = till.journal.unresolved();
    const started = engine.start();
    ctx.out.say(`Resolving ${counted(started.orders, 'order')} and ${counted(started.refunds, 'refund')}…`);
    const deadline = Date.now() + waitMs;
    let nextProgress = Date.now() + PROGRESS_MS;
    while (Date.now() < deadline && (till.journal.countUnresolved() > 0 || till.journal.pendingRefunds().length > 0)) {
      await new Promise((r) => setTimeout(r, 200));
      // A line every few seconds (terminal or log file alike): minutes of silence look hung.
      if (Date.now() >= nextProgress) {
        nextProgress += PROGRESS_MS;
        const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        ctx.out.say(`Still resolving: ${counted(till.journal.countUnresolved(), 'order')} and ${counted(till.journal.pendingRefunds().length, 'refund')} left, gateway ${engine.connectivity().state}; giving up in ${left} s.`);
      }
    }
    const after = before.map((o) => till.journal.getOrder(o.id)!);
    const left = till.journal.countUnresolved();
    const pending = till.journal.pendingRefunds().length;
    ctx.out.result({
      ok: left === 0 && pending === 0,
      resolved: after.filter((o) => !isUnresolved(o.state)).map((o) => ({ merchantTransId: o.merchantTransId, state: o.state })),
      unresolved: left,
      pendingRefunds: pending,
      connectivity: engine.connectivity().state,
    });
    for (const order of after) ctx.out.say(orderLine(order));
    ctx.out.say(left === 0 && pending === 0 ? 'Everything is resolved.' : `${counted(left, 'order')} and ${counted(pending, 'refund')} still unresolved (gateway ${engine.connectivity().state}).`);
    return left === 0 && pending === 0 ? EXIT.ok : EXIT.unknown;
  });
}
