import { describe, expect, it } from 'vitest';
import { planAllocation, stockKey, warehousePreference, type AllocationPolicy } from './allocation.rules.ts';

const A = 'item-a';
const B = 'item-b';
const W1 = 'w1';
const W2 = 'w2';
const W3 = 'w3';

const partialBackorderSplit: AllocationPolicy = { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: true };
const partialBackorderNoSplit: AllocationPolicy = { ...partialBackorderSplit, allowSplitWarehouses: false };
const partialCancelSplit: AllocationPolicy = { ...partialBackorderSplit, remainderPolicy: 'cancel' };
const shipCompleteBackorder: AllocationPolicy = { allowPartialShipment: false, remainderPolicy: 'backorder', allowSplitWarehouses: true };
const shipCompleteCancel: AllocationPolicy = { ...shipCompleteBackorder, remainderPolicy: 'cancel' };
const shipCompleteNoSplit: AllocationPolicy = { ...shipCompleteBackorder, allowSplitWarehouses: false };

function stock(entries: Array<[string, string, string]>): Map<string, string> {
  return new Map(entries.map(([item, warehouse, qty]) => [stockKey(item, warehouse), qty]));
}

type Expected = Record<string, { reserve: Record<string, string>; backorder: string; cancel: string }>;

const cases: Array<{
  name: string;
  policy: AllocationPolicy;
  lines: Array<[string, string, string]>;
  available: Array<[string, string, string]>;
  warehouses?: string[];
  expected: Expected;
  complete: boolean;
}> = [
  {
    name: 'reserves everything from the preferred warehouse when it has enough',
    policy: partialBackorderSplit,
    lines: [['l1', A, '5']],
    available: [[A, W1, '10'], [A, W2, '10']],
    expected: { l1: { reserve: { w1: '5' }, backorder: '0', cancel: '0' } },
    complete: true,
  },
  {
    name: 'takes the line from the next warehouse that can fill it alone before splitting it',
    policy: partialBackorderSplit,
    lines: [['l1', A, '5']],
    available: [[A, W1, '3'], [A, W2, '10']],
    expected: { l1: { reserve: { w2: '5' } , backorder: '0', cancel: '0' } },
    complete: true,
  },
  {
    name: 'splits a line across warehouses in preference order when no single one can fill it and split is allowed',
    policy: partialBackorderSplit,
    lines: [['l1', A, '12']],
    available: [[A, W1, '5'], [A, W2, '4'], [A, W3, '10']],
    expected: { l1: { reserve: { w1: '5', w2: '4', w3: '3' }, backorder: '0', cancel: '0' } },
    complete: true,
  },
  {
    name: 'spreads over every warehouse in preference order and backorders the rest when partial shipments are allowed',
    policy: partialBackorderSplit,
    lines: [['l1', A, '20']],
    available: [[A, W1, '5'], [A, W2, '4'], [A, W3, '6']],
    expected: { l1: { reserve: { w1: '5', w2: '4', w3: '6' }, backorder: '5', cancel: '0' } },
    complete: false,
  },
  {
    name: 'cancels the remainder when the customer wants remainders cancelled',
    policy: partialCancelSplit,
    lines: [['l1', A, '8']],
    available: [[A, W1, '3']],
    expected: { l1: { reserve: { w1: '3' }, backorder: '0', cancel: '5' } },
    complete: false,
  },
  {
    name: 'reserves nothing and backorders every line when a ship-complete order cannot be filled completely',
    policy: shipCompleteBackorder,
    lines: [['l1', A, '2'], ['l2', B, '5']],
    available: [[A, W1, '10'], [B, W1, '4']],
    expected: {
      l1: { reserve: {}, backorder: '2', cancel: '0' },
      l2: { reserve: {}, backorder: '5', cancel: '0' },
    },
    complete: false,
  },
  {
    name: 'cancels the whole order (fill or kill) when it must ship complete, cannot, and remainders are cancelled',
    policy: shipCompleteCancel,
    lines: [['l1', A, '2'], ['l2', B, '5']],
    available: [[A, W1, '10'], [B, W1, '4']],
    expected: {
      l1: { reserve: {}, backorder: '0', cancel: '2' },
      l2: { reserve: {}, backorder: '0', cancel: '5' },
    },
    complete: false,
  },
  {
    name: 'reserves a ship-complete order in full when it can be filled, even across warehouses if split is allowed',
    policy: shipCompleteBackorder,
    lines: [['l1', A, '2'], ['l2', B, '5']],
    available: [[A, W1, '10'], [B, W1, '4'], [B, W2, '1']],
    expected: {
      l1: { reserve: { w1: '2' }, backorder: '0', cancel: '0' },
      l2: { reserve: { w1: '4', w2: '1' }, backorder: '0', cancel: '0' },
    },
    complete: true,
  },
  {
    name: 'ships the whole order from one warehouse when split is refused: the first that fills every line',
    policy: partialBackorderNoSplit,
    lines: [['l1', A, '2'], ['l2', B, '5']],
    available: [[A, W1, '10'], [B, W1, '4'], [A, W2, '2'], [B, W2, '5']],
    expected: {
      l1: { reserve: { w2: '2' }, backorder: '0', cancel: '0' },
      l2: { reserve: { w2: '5' }, backorder: '0', cancel: '0' },
    },
    complete: true,
  },
  {
    name: 'without split and without a warehouse that fills everything, takes the one that reserves the most and backorders the rest',
    policy: partialBackorderNoSplit,
    lines: [['l1', A, '6'], ['l2', B, '6']],
    available: [[A, W1, '1'], [B, W1, '1'], [A, W2, '5'], [B, W2, '3'], [A, W3, '6']],
    expected: {
      l1: { reserve: { w2: '5' }, backorder: '1', cancel: '0' },
      l2: { reserve: { w2: '3' }, backorder: '3', cancel: '0' },
    },
    complete: false,
  },
  {
    name: 'prefers the earlier warehouse when two would reserve the same quantity without split',
    policy: partialBackorderNoSplit,
    lines: [['l1', A, '6']],
    available: [[A, W2, '4'], [A, W3, '4']],
    expected: { l1: { reserve: { w2: '4' }, backorder: '2', cancel: '0' } },
    complete: false,
  },
  {
    name: 'a ship-complete order that refuses split gets nothing when no single warehouse fills it, even if together they could',
    policy: shipCompleteNoSplit,
    lines: [['l1', A, '6']],
    available: [[A, W1, '3'], [A, W2, '3']],
    expected: { l1: { reserve: {}, backorder: '6', cancel: '0' } },
    complete: false,
  },
  {
    name: 'two lines of one item share its availability in line order',
    policy: partialBackorderSplit,
    lines: [['l1', A, '4'], ['l2', A, '4']],
    available: [[A, W1, '6']],
    expected: {
      l1: { reserve: { w1: '4' }, backorder: '0', cancel: '0' },
      l2: { reserve: { w1: '2' }, backorder: '2', cancel: '0' },
    },
    complete: false,
  },
  {
    name: 'backorders everything when nothing is available anywhere',
    policy: partialBackorderSplit,
    lines: [['l1', A, '3']],
    available: [],
    expected: { l1: { reserve: {}, backorder: '3', cancel: '0' } },
    complete: false,
  },
  {
    name: 'handles fractional stocking quantities exactly',
    policy: partialBackorderSplit,
    lines: [['l1', A, '0.3']],
    available: [[A, W1, '0.1'], [A, W2, '0.1']],
    expected: { l1: { reserve: { w1: '0.1', w2: '0.1' }, backorder: '0.1', cancel: '0' } },
    complete: false,
  },
  {
    name: 'never reserves from a warehouse with negative availability',
    policy: partialBackorderSplit,
    lines: [['l1', A, '3']],
    available: [[A, W1, '-2'], [A, W2, '1']],
    expected: { l1: { reserve: { w2: '1' }, backorder: '2', cancel: '0' } },
    complete: false,
  },
];

describe('planAllocation', () => {
  it.each(cases)('$name', ({ policy, lines, available, warehouses, expected, complete }) => {
    const plan = planAllocation({
      policy,
      warehouseIds: warehouses ?? [W1, W2, W3],
      lines: lines.map(([lineId, itemId, qty]) => ({ lineId, itemId, qty })),
      available: stock(available),
    });
    const actual: Expected = {};
    for (const line of plan.lines) {
      actual[line.lineId] = {
        reserve: Object.fromEntries(line.reservations.map((r) => [r.warehouseId, r.qty])),
        backorder: line.backorderQty,
        cancel: line.cancelQty,
      };
    }
    expect(actual).toEqual(expected);
    expect(plan.complete).toBe(complete);
  });

  it('never plans more than is available for any (item, warehouse), whatever the policy', () => {
    const policies = [partialBackorderSplit, partialBackorderNoSplit, partialCancelSplit, shipCompleteBackorder, shipCompleteCancel, shipCompleteNoSplit];
    const available = stock([[A, W1, '3'], [A, W2, '2'], [B, W1, '1'], [B, W3, '4']]);
    for (const policy of policies) {
      const plan = planAllocation({
        policy,
        warehouseIds: [W1, W2, W3],
        lines: [
          { lineId: 'l1', itemId: A, qty: '4' },
          { lineId: 'l2', itemId: B, qty: '3' },
          { lineId: 'l3', itemId: A, qty: '2' },
        ],
        available,
      });
      const used = new Map<string, number>();
      for (const line of plan.lines) {
        let placed = Number(line.backorderQty) + Number(line.cancelQty);
        for (const r of line.reservations) {
          const key = stockKey(line.itemId, r.warehouseId);
          used.set(key, (used.get(key) ?? 0) + Number(r.qty));
          placed += Number(r.qty);
        }
        expect(placed).toBe(line.lineId === 'l1' ? 4 : line.lineId === 'l2' ? 3 : 2);
      }
      for (const [key, qty] of used) expect(qty).toBeLessThanOrEqual(Number(available.get(key) ?? '0'));
    }
  });
});

describe('warehousePreference', () => {
  const warehouses = [
    { warehouseId: 'east', code: 'EAST', allocationPriority: 20 },
    { warehouseId: 'west', code: 'WEST', allocationPriority: 10 },
    { warehouseId: 'north', code: 'NORTH', allocationPriority: 20 },
  ];
  it.each([
    { name: 'puts the default warehouse first, then the rest by priority then code', defaultId: 'north', expected: ['north', 'west', 'east'] },
    { name: 'orders by priority then code when there is no default', defaultId: null, expected: ['west', 'east', 'north'] },
    { name: 'ignores a default warehouse that is not a candidate (inactive)', defaultId: 'gone', expected: ['west', 'east', 'north'] },
  ])('$name', ({ defaultId, expected }) => {
    expect(warehousePreference(defaultId, warehouses)).toEqual(expected);
  });
});
