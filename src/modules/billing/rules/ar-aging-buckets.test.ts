import { describe, expect, it } from 'vitest';
import { businessDate } from '../../../platform/context.ts';
import { agingBucket, agingColumn } from './ar-aging-buckets.ts';

describe('agingBucket: days past due on the as-of date', () => {
  it.each([
    ['is current when not yet due', '2027-01-15', '2026-12-31', 'current'],
    ['is current on the due date itself (0 days)', '2026-12-31', '2026-12-31', 'current'],
    ['is 1–30 one day after the due date (1 day)', '2026-12-30', '2026-12-31', 'days1To30'],
    ['is 1–30 at 30 days', '2026-12-01', '2026-12-31', 'days1To30'],
    ['is 31–60 at 31 days', '2026-11-30', '2026-12-31', 'days31To60'],
    ['is 31–60 at 60 days', '2026-11-01', '2026-12-31', 'days31To60'],
    ['is 61–90 at 61 days', '2026-10-31', '2026-12-31', 'days61To90'],
    ['is 61–90 at 90 days', '2026-10-02', '2026-12-31', 'days61To90'],
    ['is over 90 at 91 days', '2026-10-01', '2026-12-31', 'over90'],
    ['is over 90 years later', '2020-01-01', '2026-12-31', 'over90'],
    ['counts the leap day: 31 Jan → 31 Mar 2028 is 60 days', '2028-01-31', '2028-03-31', 'days31To60'],
    ['counts the leap day: 30 Jan → 31 Mar 2028 is 61 days', '2028-01-30', '2028-03-31', 'days61To90'],
  ])('%s', (_name, dueDate, asOf, bucket) => {
    expect(agingBucket(dueDate, asOf)).toBe(bucket);
  });
});

describe('agingColumn', () => {
  it.each([
    ['puts a credit (unapplied payment, credit memo) in unapplied credits however old', -500, '2020-01-01', 'unappliedCredits'],
    ['leaves a settled item off the report', 0, '2020-01-01', null],
    ['ages a debit item by its due date', 100, '2026-12-30', 'days1To30'],
  ])('%s', (_name, openMinor, dueDate, column) => {
    expect(agingColumn(openMinor, dueDate, '2026-12-31')).toBe(column);
  });

  it("ages on the tenant's date where UTC is already tomorrow", () => {
    // 03:00 UTC on 1 January 2027 is still 31 December 2026 in Chicago: an item due on
    // 31 December is current there, though one day past due by the UTC date.
    const at = new Date('2027-01-01T03:00:00Z');
    expect(agingBucket('2026-12-31', businessDate(at, 'America/Chicago'))).toBe('current');
    expect(agingBucket('2026-12-31', businessDate(at, 'UTC'))).toBe('days1To30');
    // And 91 days in the tenant's zone is over 90, where it would still be 61–90 a day earlier.
    expect(agingBucket('2026-10-01', businessDate(at, 'America/Chicago'))).toBe('over90');
    expect(agingBucket('2026-10-02', businessDate(at, 'America/Chicago'))).toBe('days61To90');
  });
});
