import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe('retry backoff', () => {
  it.each([
    { attempt: 1, random: 1, expected: 1_000 },
    { attempt: 2, random: 1, expected: 2_000 },
    { attempt: 5, random: 1, expected: 16_000 },
    { attempt: 1, random: 0, expected: 500 },
    { attempt: 4, random: 0.5, expected: 6_000 },
  ])('doubles per attempt with jitter in [50%, 100%] (attempt $attempt, random $random)', ({ attempt, random, expected }) => {
    expect(retryDelayMs(attempt, policy, () => random)).toBe(expected);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    for (const attempt of [7, 20, 100, 10_000]) expect(retryDelayMs(attempt, policy, () => 1)).toBe(60_000);
  });
});
