import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, daysPastDue, isBusinessDate } from './business-dates.ts';

describe('days past due', () => {
  it.each([
    ['is 0 before the due date', '2026-12-10', '2026-12-01', 0],
    ['is 0 on the due date itself', '2026-12-10', '2026-12-10', 0],
    ['is 1 the day after the due date', '2026-12-10', '2026-12-11', 1],
    ['counts across a month end', '2026-11-25', '2026-12-05', 10],
    ['counts across a leap day', '2028-02-28', '2028-03-01', 2],
    ['counts across a year end', '2026-12-31', '2027-01-31', 31],
    ['is not shortened by a daylight-saving change', '2026-03-07', '2026-03-09', 2],
  ])('%s', (_name, due, today, days) => {
    expect(daysPastDue(due, today)).toBe(days);
  });
});

describe('business date arithmetic', () => {
  it.each([
    ['adds payment terms across a month end', '2026-11-20', 30, '2026-12-20'],
    ['adds 0 days for cash terms', '2026-11-20', 0, '2026-11-20'],
    ['lands on 29 February in a leap year', '2028-01-30', 30, '2028-02-29'],
    ['crosses a year end', '2026-12-15', 30, '2027-01-14'],
  ])('%s', (_name, date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it.each([
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['01/02/2026', false],
  ])('%s is a business date: %s', (text, valid) => {
    expect(isBusinessDate(text)).toBe(valid);
  });
});
