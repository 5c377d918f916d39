import type { Output } from './output';

/**
 * What every `till` command is given. Its own file so the commands and `till.ts` (which
 * loads them) do not import each other.
 */
export interface CommandContext {
  args: string[];
  dataDir: string | undefined;
  out: Output;
}
