import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { percentile } from './measure';
import { ratioLine } from './paired';

/**
 * `till --help` from a cold process, as an installer at a terminal would see it, beside
 * `node -e 0` (the cost of starting Node at all), taken in turns.
 */
export function benchCliStart(root: string, runs = 20): void {
  const cli = path.join(root, 'dist/main/cli/till.js');
  const time = (args: string[]): number => {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
    return ms;
  };
  const help: number[] = [];
  const bare: number[] = [];
  // One of each first, uncounted: the file cache.
  time([cli, '--help']);
  time(['-e', '0']);
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      help.push(time([cli, '--help']));
      bare.push(time(['-e', '0']));
    } else {
      bare.push(time(['-e', '0']));
      help.push(time([cli, '--help']));
    }
  }
  help.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  const h = percentile(help, 50);
  const b = percentile(bare, 50);
  ratioLine(`till --help cold start vs node -e 0 (median of ${runs})`, `${h.toFixed(0)} ms`, `${b.toFixed(0)} ms`, h / b, { absolute: '<= 300 ms', ratio: '<= 1.5x' });
}
