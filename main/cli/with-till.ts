import { ensureDataDir, resolveDataDir } from '../config/data-dir';
import { openTillLogOrEcho } from '../config/till-log';
import { openTill, type Till } from '../runtime/open-till';
import type { CommandContext } from './command-context';

/**
 * Opens the till for one command and always closes it (the database, the HTTP pool, the
 * log). A command's gateway exchanges go to the data directory's log as the app's do.
 */
export async function withTill<T>(ctx: CommandContext, work: (till: Till) => Promise<T>): Promise<T> {
  const dataDir = ensureDataDir(resolveDataDir({ flag: ctx.dataDir }));
  const log = openTillLogOrEcho(dataDir);
  try {
    const till = openTill({ dataDir, log });
    try {
      return await work(till);
    } finally {
      await till.close();
    }
  } finally {
    log.close();
  }
}
