import { openTill, type Till } from '../runtime/open-till';
import type { CommandContext } from './command-context';

/** Opens the till for one command and always closes it (the database, the HTTP pool). */
export async function withTill<T>(ctx: CommandContext, work: (till: Till) => Promise<T>): Promise<T> {
  const till = openTill({ dataDir: ctx.dataDir });
  try {
    return await work(till);
  } finally {
    await till.close();
  }
}
