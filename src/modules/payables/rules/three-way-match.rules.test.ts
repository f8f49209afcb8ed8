import { describe, expect, it } from 'vitest';
import { Dec } from '../../../platform/money.ts';
import { matchInvoiceLine, type MatchLineInput } from './three-way-match.rules.ts';

const base = (overrides: Partial<Record<keyof MatchLineInput, unknown>>): MatchLineInput => ({
  qty: new Dec(10),
  unitPrice: new Dec(5),
  poUnitCost: new Dec(5),
  qtyReceived: new Dec(10),
  qtyInvoiced: new Dec(0),
  receivedValueMinor: 5000,
  grniClearedMinor: 0,
  currency: 'USD',
  priceTolerancePercent: 2,
  qtyTolerancePercent: 0,
  ...(overrides as Partial<MatchLineInput>),
});

describe('matchInvoiceLine', () => {
  it.each([
    ['matches exactly', {}, [], 5000, 0],
    ['takes a price exactly at the tolerance (+2 %)', { unitPrice: new Dec('5.10') }, [], 5000, 100],
    ['holds a price a hair beyond it', { unitPrice: new Dec('5.100001') }, ['PRICE_VARIANCE_ABOVE_TOLERANCE'], 5000, 100],
    ['holds a price beyond it downwards', { unitPrice: new Dec('4.89') }, ['PRICE_VARIANCE_ABOVE_TOLERANCE'], 5000, -110],
    ['holds any price on a free PO line', { poUnitCost: new Dec(0), receivedValueMinor: 0 }, ['PRICE_VARIANCE_ABOVE_TOLERANCE'], 0, 5000],
    ['holds an invoice before any receipt as NOT_RECEIVED', { qtyReceived: new Dec(0), receivedValueMinor: 0 }, ['NOT_RECEIVED'], 0, 5000],
    ['holds goods received but billed already as QTY_EXCEEDS_RECEIVED', { qtyInvoiced: new Dec(10), grniClearedMinor: 5000 }, ['QTY_EXCEEDS_RECEIVED'], 0, 5000],
    ['takes more than received within the quantity tolerance, the excess to PPV', { qty: new Dec('10.5'), qtyTolerancePercent: 5 }, [], 5000, 250],
    ['bills part of what was received at PO cost', { qty: new Dec(4) }, [], 2000, 0],
  ] as const)('%s', (_name, overrides, codes, grni, ppv) => {
    const result = matchInvoiceLine(base(overrides));
    expect(result.holds.map((hold) => hold.code)).toEqual(codes);
    expect(result.grniClearMinor).toBe(grni);
    expect(result.ppvMinor).toBe(ppv);
    expect(result.grniClearMinor + result.ppvMinor).toBe(result.amountMinor);
  });

  it('clears what is left of the line when it bills the last received unit, not qty × cost', () => {
    // Received 1 + 1 + 1 at 0.333333 → 33 + 33 + 33 = 99; 67 already cleared by an invoice of 2.
    const result = matchInvoiceLine(base({ qty: new Dec(1), unitPrice: new Dec('0.333333'), poUnitCost: new Dec('0.333333'), qtyReceived: new Dec(3), qtyInvoiced: new Dec(2), receivedValueMinor: 99, grniClearedMinor: 67 }));
    expect(result).toMatchObject({ amountMinor: 33, grniClearMinor: 32, ppvMinor: 1, holds: [] });
  });
});
