import type { Figure } from './baselines.ts';

/** Orders through the HTTP API: filled in when the sales module lands. */
export async function benchOrders(_adminUrl: string, _appPassword: string, _options: { clients: number; seconds: number }): Promise<Figure[]> {
  return [];
}
