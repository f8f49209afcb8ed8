import { describe, expect, it } from 'vitest';
import { decideStockChange, type StockPosition } from './moving-average.rules.ts';

const empty: StockPosition = { onHand: '0', reserved: '0', valueMinor: 0 };

function apply(position: StockPosition, qty: string, unitCost?: string, minorUnits = 2): StockPosition & { moved: number } {
  const decision = decideStockChange(position, { qty, unitCost, minorUnits });
  if (!decision.ok) throw new Error(`${decision.code}: ${decision.detail}`);
  return { ...decision.after, moved: decision.valueMinor };
}

describe('moving average by value', () => {
  it('follows the worked example to the cent: receive 10 @ 1.46, issue 3, issue 7', () => {
    const received = apply(empty, '10', '1.46');
    expect(received).toEqual({ onHand: '10', reserved: '0', valueMinor: 1460, moved: 1460 });
    const first = apply(received, '-3');
    expect(first).toEqual({ onHand: '7', reserved: '0', valueMinor: 1022, moved: -438 });
    const last = apply(first, '-7');
    expect(last).toEqual({ onHand: '0', reserved: '0', valueMinor: 0, moved: -1022 });
  });

  it('gives the last unit out all the value that is left, even when the average does not divide evenly', () => {
    // 3 @ 1.00 = 300; one out takes 100; then 3 more received at 0.01 → 5 units worth 203.
    let position = apply(apply(apply(empty, '3', '1'), '-1'), '3', '0.01');
    expect(position.valueMinor).toBe(203);
    position = apply(position, '-3'); // 203 × 3/5 = 121.8 → 122
    expect(position.moved).toBe(-122);
    position = apply(position, '-2');
    expect(position).toEqual({ onHand: '0', reserved: '0', valueMinor: 0, moved: -81 });
  });

  it('rounds a receipt half-up once, on the line: 3 @ 0.005 is 0.015 → 2 cents', () => {
    expect(apply(empty, '3', '0.005').valueMinor).toBe(2);
  });

  it('rounds an issue half-up: 1 of 2 units worth 3 cents takes 2 cents', () => {
    expect(apply({ onHand: '2', reserved: '0', valueMinor: 3 }, '-1').moved).toBe(-2);
  });

  it('uses the currency minor units: JPY has none, KWD three', () => {
    expect(apply(empty, '3', '100.5', 0).valueMinor).toBe(302);
    expect(apply(empty, '3', '1.0005', 3).valueMinor).toBe(3002);
  });

  it('handles fractional quantities in the stocking unit', () => {
    const position = apply(empty, '2.5', '4'); // 1000
    expect(apply(position, '-0.75').moved).toBe(-300);
  });

  it('reports the average unit cost an issue used', () => {
    const decision = decideStockChange({ onHand: '10', reserved: '0', valueMinor: 1460 }, { qty: '-3', minorUnits: 2 });
    expect(decision.ok && decision.unitCost).toBe('1.46');
  });
});

describe('refusals', () => {
  const cases: Array<{ name: string; position: StockPosition; qty: string; unitCost?: string; code: string }> = [
    { name: 'an increase without a unit cost needs one', position: empty, qty: '5', code: 'UNIT_COST_REQUIRED' },
    { name: 'taking more than on hand is negative stock', position: { onHand: '2', reserved: '0', valueMinor: 10 }, qty: '-3', code: 'NEGATIVE_STOCK_REFUSED' },
    { name: 'taking anything from nothing is negative stock', position: empty, qty: '-0.000001', code: 'NEGATIVE_STOCK_REFUSED' },
    { name: 'taking on hand below what is reserved is refused', position: { onHand: '10', reserved: '8', valueMinor: 100 }, qty: '-3', code: 'STOCK_RESERVED' },
    { name: 'a value beyond a safe integer is refused', position: empty, qty: '999999999999', unitCost: '999999999999', code: 'VALUE_OUT_OF_RANGE' },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const decision = decideStockChange(testCase.position, { qty: testCase.qty, unitCost: testCase.unitCost, minorUnits: 2 });
      expect(decision.ok).toBe(false);
      expect(!decision.ok && decision.code).toBe(testCase.code);
    });
  }

  it('lets on hand fall exactly to what is reserved', () => {
    const decision = decideStockChange({ onHand: '10', reserved: '7', valueMinor: 100 }, { qty: '-3', minorUnits: 2 });
    expect(decision.ok).toBe(true);
  });
});
