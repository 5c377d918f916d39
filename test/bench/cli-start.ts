import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { line, percentile } from './measure';

/** `till --help` from a cold process, as an installer at a terminal would see it. */
export function benchCliStart(root: string): void {
  const cli = path.join(root, 'dist/main/cli/till.js');
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) throw new Error(`till --help failed: ${run.stderr}`);
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  line('till --help cold start (median of 20)', `${percentile(times, 50).toFixed(0)} ms`, '<= 300 ms');
}
