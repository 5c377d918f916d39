/** Small timing helpers for `npm run bench`: figures are printed, never asserted. */

export function perSecond(label: string, seconds: number, work: () => void): number {
  // Warm up so the JIT and key caches are settled before the clock starts.
  const warm = Date.now() + 200;
  while (Date.now() < warm) work();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) work();
    n += 50;
    now = process.hrtime.bigint();
  }
  const rate = n / (Number(now - start) / 1e9);
  return rate;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function line(label: string, value: string, goal?: string): void {
  process.stdout.write(`${label.padEnd(58)} ${value.padStart(14)}${goal ? `   (goal ${goal})` : ''}\n`);
}
