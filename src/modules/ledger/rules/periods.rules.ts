/**
 * Fiscal periods are calendar months named YYYY-MM; an entry belongs to the month of
 * its business date (the database trigger derives it the same way). Pure helpers.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isBusinessDate(text: string): boolean {
  const match = DATE_PATTERN.exec(text);
  if (!match) return false;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return at.toISOString().slice(0, 10) === text;
}

export function isPeriod(text: string): boolean {
  return PERIOD_PATTERN.test(text);
}

/** First and last day of a YYYY-MM period. */
export function periodBounds(period: string): { startsOn: string; endsOn: string } {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new Error(`invariant failed: ${JSON.stringify(period)} is not a period`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { startsOn: `${period}-01`, endsOn: `${period}-${String(last).padStart(2, '0')}` };
}
