import { OUTBOX_BACKOFF_BASE_MS, OUTBOX_BACKOFF_MAX_MS } from '../limits.ts';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: OUTBOX_BACKOFF_BASE_MS, maxMs: OUTBOX_BACKOFF_MAX_MS };

/**
 * Delay before the attempt after failed attempt number `attempt` (from 1):
 * exponential, capped, then scaled into [50%, 100%] so that consumers that
 * failed together (an endpoint that was down) do not all retry in one burst.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}
