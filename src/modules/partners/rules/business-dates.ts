/**
 * Business dates are calendar dates (YYYY-MM-DD) in the tenant's time zone (DESIGN §2b);
 * arithmetic on them is calendar arithmetic, done in UTC so no daylight-saving shift can
 * turn a day into 23 or 25 hours.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isBusinessDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return at.toISOString().slice(0, 10) === text;
}

function epochDay(date: string): number {
  if (!isBusinessDate(date)) throw new Error(`invariant failed: ${JSON.stringify(date)} is not a business date`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

export function addDays(date: string, days: number): string {
  return new Date((epochDay(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** Days an item due on `dueDate` is past due on `today`: 0 on the due date itself and before it. */
export function daysPastDue(dueDate: string, today: string): number {
  return Math.max(0, daysBetween(dueDate, today));
}
