import { trustInForce } from '../../config/key-changes';
import { parse } from '../args';
import { EXIT } from '../output';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';
import { backupAfterClose } from '../../config/journal-backup';
import { dayOption, printReport } from './reconcile';

const USAGE = 'till close-day [--date YYYY-MM-DD]';

/** The Z report: refused while any order or refund of the day is unresolved. */
export function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { date: { type: 'string' } }, { min: 0, max: 0, usage: USAGE });
  const day = dayOption(values, USAGE);
  return withTill(ctx, async (till) => {
    const report = till.journal.closeDay(day, 'cli', await trustInForce(till));
    const backup = await backupAfterClose(till.db, till.config(), day);
    ctx.out.result({ ok: true, report, backup: backup.ok ? backup.backup.file : null, ...(backup.ok ? {} : { backupError: backup.error }) });
    printReport(ctx.out.say, report);
    ctx.out.say(`Day ${day} closed.`);
    ctx.out.say(backup.ok ? `Journal backed up to ${backup.backup.file}.` : `The day is closed, but its journal backup failed: ${backup.error}. Take one with \`till backup FILE\`.`);
    return EXIT.ok;
  });
}
