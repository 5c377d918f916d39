/**
 * mulberry32: a tiny seeded generator, so a fault run ("seed=7") can be replayed exactly
 * when a test or a soak run finds a bug. Not for anything secret: tokens use node:crypto.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
