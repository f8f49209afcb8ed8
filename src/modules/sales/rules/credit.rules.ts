/**
 * The credit decision (DESIGN §4 step 3, DOMAIN "Credit exposure"): one pure
 * function, so every path that confirms, revises or reopens an order (API, EDI,
 * UI) reaches the same verdict from the same numbers.
 *
 * exposure = open receivables + confirmed-not-invoiced orders (other than this one)
 *          + this order. Exposure above the limit holds; exactly at the limit passes.
 * A limit of 0 means "no credit": any order with a positive total is held.
 * An open item past due by MORE than the customer's tolerance holds, whatever the
 * exposure (a customer 3 days late with a tolerance of 5 still passes).
 */

export type HoldReason = 'credit_limit_exceeded' | 'past_due';

export interface CreditInput {
  creditLimitMinor: number;
  pastDueToleranceDays: number;
  /** Σ open_minor of the customer's open items (credit memos are negative). */
  openReceivablesMinor: number;
  /** Days the oldest open debit item is past due today (0 when none is). */
  maxDaysPastDue: number;
  /** Σ total_minor of the customer's other orders in a credit-exposure status. */
  openOrdersMinor: number;
  /** This order's total. */
  orderTotalMinor: number;
}

export interface CreditDecision {
  decision: 'approved' | 'held';
  reasons: HoldReason[];
  exposureMinor: number;
  /** What is left of the limit after this order; negative when over. */
  headroomMinor: number;
}

export function decideCredit(input: CreditInput): CreditDecision {
  const exposureMinor = input.openReceivablesMinor + input.openOrdersMinor + input.orderTotalMinor;
  const reasons: HoldReason[] = [];
  if (exposureMinor > input.creditLimitMinor) reasons.push('credit_limit_exceeded');
  if (input.maxDaysPastDue > input.pastDueToleranceDays) reasons.push('past_due');
  return {
    decision: reasons.length === 0 ? 'approved' : 'held',
    reasons,
    exposureMinor,
    headroomMinor: input.creditLimitMinor - exposureMinor,
  };
}
