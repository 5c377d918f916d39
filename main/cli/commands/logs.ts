import fs from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../../config/data-dir';
import { LOG_DIR, LOG_FILE, readTillLog } from '../../config/till-log';
import { parse, stringOption } from '../args';
import { EXIT, UsageError } from '../output';
import type { CommandContext } from '../command-context';

const USAGE = 'till logs [--since 1h|30m|2d|2026-12-04T08:00] [--follow] [--json]';

/** "1h", "30m", "2d", "45s", or an ISO time: the instant from which entries are shown. */
export function sinceOf(text: string, now: number): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text);
  if (m) return now - Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const at = Date.parse(text);
  if (!Number.isNaN(at) && /^\d{4}-\d\d-\d\d/.test(text)) return at;
  throw new UsageError(`--since takes a duration (45s, 30m, 1h, 2d) or a time (2026-12-04T08:00), got ${JSON.stringify(text.slice(0, 40))}`);
}

/** One entry as a line to read: time, level, message, then the other fields as key=value. */
export function entryLine(entry: Record<string, unknown>): string {
  const { t, level, msg, ...rest } = entry;
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [String(t), String(level).padEnd(5), String(msg), ...fields].join(' ');
}

/**
 * `till logs`: the till's log (config/till-log.ts) across its rotated files, oldest first;
 * --follow keeps printing new lines (through rotations) until Ctrl-C.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(ctx.args, { since: { type: 'string' }, follow: { type: 'boolean' } }, { min: 0, max: 0, usage: USAGE });
  const follow = values.follow === true;
  if (follow && ctx.out.json) throw new UsageError('--json is one document at the end; --follow never ends: use one or the other');
  const since = stringOption(values, 'since');
  const sinceMs = since === undefined ? undefined : sinceOf(since, Date.now());
  const dataDir = resolveDataDir({ flag: ctx.dataDir });
  const entries = readTillLog(dataDir, { sinceMs });
  ctx.out.result({ ok: true, entries });
  for (const entry of entries) ctx.out.say(entryLine(entry));
  if (!follow) return EXIT.ok;
  await followFile(path.join(dataDir, LOG_DIR, LOG_FILE), (line) => ctx.out.say(line));
  return EXIT.ok;
}

/** New complete lines of the file as they come, across rotations (the file replaced), until SIGINT. */
function followFile(file: string, say: (line: string) => void): Promise<void> {
  let offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
  let ino = fs.existsSync(file) ? fs.statSync(file).ino : 0;
  let partial = '';
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!fs.existsSync(file)) return;
      const stat = fs.statSync(file);
      if (stat.ino !== ino || stat.size < offset) {
        ino = stat.ino;
        offset = 0;
      }
      if (stat.size === offset) return;
      const fd = fs.openSync(file, 'r');
      const buffer = Buffer.alloc(stat.size - offset);
      fs.readSync(fd, buffer, 0, buffer.length, offset);
      fs.closeSync(fd);
      offset = stat.size;
      const text = partial + buffer.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          say(entryLine(JSON.parse(line) as Record<string, unknown>));
        } catch {
          // Not a whole entry: skipped.
        }
      }
    }, 250);
    process.once('SIGINT', () => {
      clearInterval(timer);
      resolve();
    });
  });
}
