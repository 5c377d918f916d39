import { trustInForce } from '../../config/key-changes';
import { parse } from '../args';
import { EXIT } from '../output';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';
import { dayOption, printReport } from './reconcile';

const USAGE = 'till close-day [--date YYYY-MM-DD]';

/** The Z report: refused while any order or refund of the day is unresolved. */
export function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { date: { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const day = dayOption(values, USAGE);
  return withTill(ctx, async (till) => {
    const report = till.journal.closeDay(day, 'cli', await trustInForce(till));
    ctx.out.result({ ok: true, report });
    printReport(ctx.out.say, report);
    ctx.out.say(`Day ${day} closed.`);
    return EXIT.ok;
  });
}
