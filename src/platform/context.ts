/**
 * The operation context every service receives beside its transaction: who is
 * acting, for which tenant, with which permissions, under which request, and
 * what time it is. The clock is injectable so that tests and replays control
 * "now"; business dates are derived from it in the tenant's time zone, never
 * from the database's now().
 */

export type Actor =
  | { type: 'user'; id: string }
  | { type: 'api_key'; id: string }
  /** A named system actor: 'cli', 'worker', 'sealer', 'demo', … */
  | { type: 'system'; id: string };

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at (or advanced from) a given instant, for tests. */
export function fixedClock(start: Date | string): Clock & { advance(ms: number): void; set(at: Date | string): void } {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
    set: (at: Date | string) => {
      current = new Date(at).getTime();
    },
  };
}

export interface OperationContext {
  tenantId: string;
  /** The tenant's IANA time zone: business dates are computed in it. */
  timeZone: string;
  actor: Actor;
  permissions: ReadonlySet<string>;
  requestId: string;
  sourceAddress?: string | undefined;
  clock: Clock;
}

/** "api_key:0190…" — the actor as one string, as stored in audit rows and idempotency keys. */
export function actorRef(actor: Actor): string {
  return `${actor.type}:${actor.id}`;
}

export function hasPermission(ctx: Pick<OperationContext, 'permissions'>, permission: string): boolean {
  return ctx.permissions.has(permission) || ctx.permissions.has('*');
}

/**
 * The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. At 23:30 on
 * 31 March in New York it is already 1 April in UTC; the business date is 31 March.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function businessDate(at: Date, timeZone: string): string {
  // Building an Intl formatter is expensive; there are few zones, so keep one per zone.
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "Today" for the tenant of ctx, from its clock. */
export function today(ctx: Pick<OperationContext, 'clock' | 'timeZone'>): string {
  return businessDate(ctx.clock.now(), ctx.timeZone);
}

/** A context for CLI commands and workers acting on one tenant. */
export function systemContext(
  tenantId: string,
  name: string,
  options: { timeZone?: string; clock?: Clock; requestId?: string } = {},
): OperationContext {
  return {
    tenantId,
    timeZone: options.timeZone ?? 'UTC',
    actor: { type: 'system', id: name },
    permissions: new Set(['*']),
    requestId: options.requestId ?? `${name}-${Date.now().toString(36)}`,
    clock: options.clock ?? systemClock,
  };
}
