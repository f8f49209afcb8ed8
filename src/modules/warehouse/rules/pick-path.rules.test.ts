import { describe, expect, it } from 'vitest';
import { compareWalk, planPicks, waveableQty, type BinStock } from './pick-path.rules.ts';

const bin = (binId: string, pickSequence: number, untasked: string, itemId = 'A', code = binId.toUpperCase()): BinStock => ({ binId, code, pickSequence, itemId, untasked });

describe('planPicks', () => {
  it.each([
    {
      name: 'takes a line from the first bin in walk order that holds the item',
      demands: [{ orderId: 'o1', lineId: 'l1', itemId: 'A', qty: '3' }],
      bins: [bin('b2', 20, '10'), bin('b1', 10, '10')],
      picks: [['l1', 'b1', '3']],
      unplaced: [],
    },
    {
      name: 'splits a line across bins when the first does not hold enough',
      demands: [{ orderId: 'o1', lineId: 'l1', itemId: 'A', qty: '7' }],
      bins: [bin('b1', 10, '4'), bin('b2', 20, '10')],
      picks: [['l1', 'b1', '4'], ['l1', 'b2', '3']],
      unplaced: [],
    },
    {
      name: 'serves demands in the order given: the older order gets the bin first',
      demands: [
        { orderId: 'old', lineId: 'l-old', itemId: 'A', qty: '4' },
        { orderId: 'new', lineId: 'l-new', itemId: 'A', qty: '4' },
      ],
      bins: [bin('b1', 10, '5')],
      picks: [['l-old', 'b1', '4'], ['l-new', 'b1', '1']],
      unplaced: [['l-new', '3']],
    },
    {
      name: 'reports what no bin holds as unplaced (stock without a bin cannot be picked)',
      demands: [{ orderId: 'o1', lineId: 'l1', itemId: 'B', qty: '2.5' }],
      bins: [bin('b1', 10, '5')],
      picks: [],
      unplaced: [['l1', '2.5']],
    },
    {
      name: 'ignores bins whose stock open tasks already claim',
      demands: [{ orderId: 'o1', lineId: 'l1', itemId: 'A', qty: '2' }],
      bins: [bin('b1', 10, '0'), bin('b2', 20, '-1'), bin('b3', 30, '2')],
      picks: [['l1', 'b3', '2']],
      unplaced: [],
    },
    {
      name: 'breaks a pick-sequence tie by bin code',
      demands: [{ orderId: 'o1', lineId: 'l1', itemId: 'A', qty: '2' }],
      bins: [bin('x', 10, '5', 'A', 'B-02'), bin('y', 10, '5', 'A', 'B-01')],
      picks: [['l1', 'y', '2']],
      unplaced: [],
    },
  ])('$name', ({ demands, bins, picks, unplaced }) => {
    const plan = planPicks(demands, bins);
    expect(plan.picks.map((pick) => [pick.lineId, pick.binId, pick.qty])).toEqual(picks);
    expect(plan.unplaced.map((demand) => [demand.lineId, demand.qty])).toEqual(unplaced);
  });
});

describe('compareWalk', () => {
  it('orders by pick sequence, then bin code, then order number, then line number', () => {
    const tasks = [
      { id: 4, pickSequence: 20, binCode: 'A', orderNumber: 'SO-1', lineNumber: 1 },
      { id: 3, pickSequence: 10, binCode: 'B', orderNumber: 'SO-1', lineNumber: 1 },
      { id: 2, pickSequence: 10, binCode: 'A', orderNumber: 'SO-2', lineNumber: 1 },
      { id: 1, pickSequence: 10, binCode: 'A', orderNumber: 'SO-1', lineNumber: 2 },
      { id: 0, pickSequence: 10, binCode: 'A', orderNumber: 'SO-1', lineNumber: 1 },
    ];
    expect(tasks.sort(compareWalk).map((task) => task.id)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('waveableQty', () => {
  it.each([
    { name: 'all reserved and nothing tasked is waveable', reserved: '5', openTaskRemaining: '0', picked: '0', shipped: '0', expected: '5' },
    { name: 'open tasks take their remaining out', reserved: '5', openTaskRemaining: '3', picked: '0', shipped: '0', expected: '2' },
    { name: 'picked and not shipped is still reserved but not waveable', reserved: '5', openTaskRemaining: '0', picked: '2', shipped: '0', expected: '3' },
    { name: 'shipped quantity left the reservation already', reserved: '3', openTaskRemaining: '0', picked: '2', shipped: '2', expected: '3' },
    { name: 'never negative', reserved: '1', openTaskRemaining: '2', picked: '0', shipped: '0', expected: '0' },
  ])('$name', ({ expected, ...input }) => {
    expect(waveableQty(input)).toBe(expected);
  });
});
