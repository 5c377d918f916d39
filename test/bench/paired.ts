/**
 * Issue 16: a figure beside what this machine can do at best, measured in the same run and
 * interleaved (figure, limit, figure, limit, …) so that the machine's drift and the other
 * core's load fall on both alike. The ratio is what holds from run to run; the absolute
 * figures here swing 30–40 %.
 */

const ROUNDS = 8;

type Side = 'figure' | 'limit';

/** Who goes first in round `i`: the two take turns, so neither always follows the other. */
function turn(i: number): readonly Side[] {
  return i % 2 === 0 ? ['figure', 'limit'] : ['limit', 'figure'];
}

/** Rates per second of two synchronous jobs, in alternating windows of `windowMs`. */
export function pairedRates(figure: () => void, limit: () => void, seconds = 4, rounds = ROUNDS): { figure: number; limit: number } {
  // Warm both, so the JIT and key caches are settled before either clock starts.
  for (const work of [figure, limit]) {
    const warm = Date.now() + 150;
    while (Date.now() < warm) work();
  }
  const windowNs = BigInt(Math.round((seconds / 2 / rounds) * 1e9));
  const totals = { figure: { n: 0, ns: 0n }, limit: { n: 0, ns: 0n } };
  for (let round = 0; round < rounds; round++) {
    for (const which of turn(round)) {
      const work = which === 'figure' ? figure : limit;
      const start = process.hrtime.bigint();
      const end = start + windowNs;
      let now = start;
      let n = 0;
      while (now < end) {
        for (let i = 0; i < 10; i++) work();
        n += 10;
        now = process.hrtime.bigint();
      }
      totals[which].n += n;
      totals[which].ns += now - start;
    }
  }
  return { figure: totals.figure.n / (Number(totals.figure.ns) / 1e9), limit: totals.limit.n / (Number(totals.limit.ns) / 1e9) };
}

/** Rates per second of two asynchronous jobs, each run `inFlight` at a time, in alternating windows. */
export async function pairedAsyncRates(figure: () => Promise<void>, limit: () => Promise<void>, inFlight: number, seconds = 6, rounds = ROUNDS): Promise<{ figure: number; limit: number }> {
  const totals = { figure: { n: 0, ms: 0 }, limit: { n: 0, ms: 0 } };
  const window = async (work: () => Promise<void>, ms: number): Promise<{ n: number; ms: number }> => {
    let n = 0;
    const start = performance.now();
    const end = start + ms;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < end) {
          await work();
          n += 1;
        }
      }),
    );
    return { n, ms: performance.now() - start };
  };
  await window(figure, 300);
  await window(limit, 300);
  const windowMs = (seconds * 1000) / 2 / rounds;
  for (let round = 0; round < rounds; round++) {
    for (const which of turn(round)) {
      const got = await window(which === 'figure' ? figure : limit, windowMs);
      totals[which].n += got.n;
      totals[which].ms += got.ms;
    }
  }
  return { figure: totals.figure.n / (totals.figure.ms / 1000), limit: totals.limit.n / (totals.limit.ms / 1000) };
}

/** Times of two jobs taken one after the other, `count` pairs, the first of each pair alternating. */
export function pairedTimes(figure: () => void, limit: () => void, count: number): { figure: number[]; limit: number[] } {
  const times = { figure: [] as number[], limit: [] as number[] };
  for (let i = 0; i < count; i++) {
    for (const which of turn(i)) {
      const start = process.hrtime.bigint();
      (which === 'figure' ? figure : limit)();
      times[which].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  times.figure.sort((a, b) => a - b);
  times.limit.sort((a, b) => a - b);
  return times;
}

/** The same, for asynchronous jobs (a click in Chromium). */
export async function pairedAsyncTimes(figure: () => Promise<number>, limit: () => Promise<number>, count: number): Promise<{ figure: number[]; limit: number[] }> {
  const times = { figure: [] as number[], limit: [] as number[] };
  for (let i = 0; i < count; i++) {
    for (const which of turn(i)) times[which].push(await (which === 'figure' ? figure : limit)());
  }
  times.figure.sort((a, b) => a - b);
  times.limit.sort((a, b) => a - b);
  return times;
}

export interface RatioGoal {
  /** The ratio's goal, e.g. ">= 0.9x"; none where the issue set none. */
  ratio?: string;
  /** The absolute goal kept from earlier issues, if any. */
  absolute?: string;
}

let headed = false;

/** `figure  limit  ratio  (goals)` on one line; a header the first time. */
export function ratioLine(label: string, figure: string, limit: string, ratio: number, goal?: RatioGoal): void {
  if (!headed) {
    headed = true;
    process.stdout.write(`${'figure beside its limit, same run, interleaved'.padEnd(58)} ${'figure'.padStart(12)} ${'limit'.padStart(12)} ${'ratio'.padStart(7)}\n`);
  }
  const goals = goal === undefined ? '' : `   (goal ${[goal.absolute, goal.ratio].filter((g) => g !== undefined).join('; ')})`;
  process.stdout.write(`${label.padEnd(58)} ${figure.padStart(12)} ${limit.padStart(12)} ${`${ratio.toFixed(2)}x`.padStart(7)}${goals}\n`);
}
