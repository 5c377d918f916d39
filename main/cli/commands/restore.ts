import type { CommandContext } from '../command-context';
import { runRestore } from './backup';

/** `till restore FILE` (see backup.ts: the two share their checks and words). */
export function run(ctx: CommandContext): Promise<number> {
  return runRestore(ctx);
}
