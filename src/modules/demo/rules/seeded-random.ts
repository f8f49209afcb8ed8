/**
 * A small seeded pseudo-random generator (mulberry32) so that the demo distributor is the
 * same on every machine and every run: Math.random would give every newcomer a different
 * catalog, and the README's examples would not match what they see. Only integers come
 * out of it; prices and costs are built from integers of cents, never from floats.
 */
export interface SeededRandom {
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** True with a probability of `percent` / 100. */
  chance(percent: number): boolean;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new Error(`invariant failed: bad range ${min}..${max}`);
    return min + Math.floor(next() * (max - min + 1));
  };
  return {
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('invariant failed: pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    chance: (percent: number) => int(1, 100) <= percent,
  };
}

/** Cents as a decimal string: 1234 → "12.34", 5 → "0.05". Integers only, so no float rounding. */
export function centsString(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error(`invariant failed: bad cents ${cents}`);
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  return `${whole}.${String(rest).padStart(2, '0')}`;
}
