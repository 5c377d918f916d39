import { backupJournal, restoreJournal } from '../../config/journal-backup';
import { resolveDataDir } from '../../config/data-dir';
import { claimTillHost } from '../../runtime/host-lock';
import { parse } from '../args';
import { EXIT, UsageError } from '../output';
import type { CommandContext } from '../command-context';
import { counted } from '../counted';
import { withTill } from '../with-till';

const BACKUP_USAGE = 'till backup FILE';
const RESTORE_USAGE = 'till restore FILE';

function say(ctx: CommandContext, what: string, r: { file: string; bytes: number; counts: Record<string, number>; userVersion: number }): void {
  ctx.out.say(`${what} ${r.file}: ${(r.bytes / 1024).toFixed(0)} KiB, schema ${r.userVersion}, integrity ok; ${counted(r.counts.orders ?? 0, 'order')}, ${counted(r.counts.refunds ?? 0, 'refund')}, ${counted(r.counts.events ?? 0, 'event')}.`);
}

/** `till backup FILE`: SQLite's online backup of the journal, also while the till app sells; the copy is checked whole. */
export function run(ctx: CommandContext): Promise<number> {
  const { positionals } = parse(ctx.args, {}, { min: 1, max: 1, usage: BACKUP_USAGE });
  return withTill(ctx, async (till) => {
    const report = await backupJournal(till.db, positionals[0]!);
    ctx.out.result({ ok: true, backup: report });
    say(ctx, 'Backed up the journal to', report);
    return EXIT.ok;
  });
}

/**
 * `till restore FILE`: refused while the till app runs on this data directory (it holds the
 * journal open); the copy is checked first; the journal it replaces is kept beside it.
 */
export async function runRestore(ctx: CommandContext): Promise<number> {
  const { positionals } = parse(ctx.args, {}, { min: 1, max: 1, usage: RESTORE_USAGE });
  if (positionals[0] === undefined) throw new UsageError(`usage: ${RESTORE_USAGE}`);
  const dataDir = resolveDataDir({ flag: ctx.dataDir });
  const release = claimTillHost(dataDir, 'till restore');
  try {
    const { restored, keptAs } = restoreJournal(dataDir, positionals[0], new Date());
    ctx.out.result({ ok: true, restored, keptAs });
    say(ctx, 'Restored the journal from', restored);
    ctx.out.say(keptAs ? `The journal it replaced is kept as ${keptAs}.` : 'There was no journal here before.');
    return EXIT.ok;
  } finally {
    release();
  }
}
