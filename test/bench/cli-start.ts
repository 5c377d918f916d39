import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { percentile } from './measure';
import { pairedTimes, ratioLine } from './paired';

/**
 * `till --help` from a cold process, as an installer at a terminal would see it, beside
 * `node -e 0` (the cost of starting Node at all), taken in turns.
 */
export function benchCliStart(root: string, runs = 20): void {
  const cli = path.join(root, 'dist/main/cli/till.js');
  const start = (args: string[]) => () => {
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
  };
  const help = start([cli, '--help']);
  const bare = start(['-e', '0']);
  // One of each first, uncounted: the file cache.
  help();
  bare();
  const times = pairedTimes(help, bare, runs);
  const h = percentile(times.figure, 50);
  const b = percentile(times.limit, 50);
  ratioLine(`till --help cold start vs node -e 0 (median of ${runs})`, `${h.toFixed(0)} ms`, `${b.toFixed(0)} ms`, h / b, { absolute: '<= 300 ms', ratio: '<= 1.5x' });
}
