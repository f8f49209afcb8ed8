import { daysPastDue } from '../../partners/index.ts';

/**
 * AR aging buckets (DOMAIN.md): an open DEBIT item falls into a bucket by how many days it is
 * past its due date on the as-of date — current (not yet due, or due that very day), 1–30,
 * 31–60, 61–90, over 90. A CREDIT (an unapplied payment, a credit memo, a negative opening
 * balance: open amount below zero) is not aged: it goes to its own column, so that the
 * buckets show what customers owe and the credits show what can still be applied against it.
 * Settled items (open amount 0) are not on the report.
 */

export const AGING_BUCKETS = ['current', 'days1To30', 'days31To60', 'days61To90', 'over90'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
export type AgingColumn = AgingBucket | 'unappliedCredits';

/** The bucket of a debit item due on `dueDate`, on `asOf` (both business dates). */
export function agingBucket(dueDate: string, asOf: string): AgingBucket {
  const days = daysPastDue(dueDate, asOf);
  if (days === 0) return 'current';
  if (days <= 30) return 'days1To30';
  if (days <= 60) return 'days31To60';
  if (days <= 90) return 'days61To90';
  return 'over90';
}

/** The report column of an open amount (signed, minor units), or null when it is settled. */
export function agingColumn(openMinor: number, dueDate: string, asOf: string): AgingColumn | null {
  if (openMinor === 0) return null;
  if (openMinor < 0) return 'unappliedCredits';
  return agingBucket(dueDate, asOf);
}
