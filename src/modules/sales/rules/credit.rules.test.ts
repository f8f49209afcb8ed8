import { describe, expect, it } from 'vitest';
import { decideCredit, type CreditInput } from './credit.rules.ts';

const base: CreditInput = {
  creditLimitMinor: 100_000,
  pastDueToleranceDays: 5,
  openReceivablesMinor: 0,
  maxDaysPastDue: 0,
  openOrdersMinor: 0,
  orderTotalMinor: 10_000,
};

describe('decideCredit', () => {
  it.each([
    { name: 'approves an order well inside the limit', input: {}, decision: 'approved', reasons: [], exposure: 10_000 },
    { name: 'approves an order that brings exposure exactly to the limit', input: { openReceivablesMinor: 60_000, openOrdersMinor: 30_000 }, decision: 'approved', reasons: [], exposure: 100_000 },
    { name: 'holds an order that pushes exposure one cent over the limit', input: { openReceivablesMinor: 60_000, openOrdersMinor: 30_001 }, decision: 'held', reasons: ['credit_limit_exceeded'], exposure: 100_001 },
    { name: 'counts open receivables in exposure', input: { openReceivablesMinor: 95_000 }, decision: 'held', reasons: ['credit_limit_exceeded'], exposure: 105_000 },
    { name: 'counts confirmed-not-invoiced orders in exposure', input: { openOrdersMinor: 95_000 }, decision: 'held', reasons: ['credit_limit_exceeded'], exposure: 105_000 },
    { name: 'lets a credit memo (negative open item) free up credit', input: { openReceivablesMinor: -20_000, openOrdersMinor: 105_000 }, decision: 'approved', reasons: [], exposure: 95_000 },
    { name: 'holds an order when an open item is past due beyond the tolerance', input: { maxDaysPastDue: 6 }, decision: 'held', reasons: ['past_due'], exposure: 10_000 },
    { name: 'approves when the oldest open item is past due but within the tolerance', input: { maxDaysPastDue: 5 }, decision: 'approved', reasons: [], exposure: 10_000 },
    { name: 'gives both reasons when over the limit and past due', input: { openOrdersMinor: 95_000, maxDaysPastDue: 30 }, decision: 'held', reasons: ['credit_limit_exceeded', 'past_due'], exposure: 105_000 },
    { name: 'holds any order with a positive total for a customer with no credit (limit 0)', input: { creditLimitMinor: 0, orderTotalMinor: 1 }, decision: 'held', reasons: ['credit_limit_exceeded'], exposure: 1 },
    { name: 'holds past due with a zero tolerance after one day', input: { pastDueToleranceDays: 0, maxDaysPastDue: 1 }, decision: 'held', reasons: ['past_due'], exposure: 10_000 },
    { name: 'a revision that raises the total over the limit is held (same rule, new total)', input: { openOrdersMinor: 50_000, orderTotalMinor: 50_001 }, decision: 'held', reasons: ['credit_limit_exceeded'], exposure: 100_001 },
  ] as const)('$name', ({ input, decision, reasons, exposure }) => {
    const result = decideCredit({ ...base, ...input });
    expect(result.decision).toBe(decision);
    expect(result.reasons).toEqual(reasons);
    expect(result.exposureMinor).toBe(exposure);
    expect(result.headroomMinor).toBe(((input as Partial<CreditInput>).creditLimitMinor ?? base.creditLimitMinor) - exposure);
  });
});
