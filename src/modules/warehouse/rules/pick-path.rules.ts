import { Dec } from '../../../platform/money.ts';

/**
 * Pick-path decisions, pure: which bins a line's quantity is taken from, and
 * the walk order of tasks. Quantities are decimal strings in stocking units.
 */

/** A bin holding the item, with what no open task has claimed yet. */
export interface BinStock {
  binId: string;
  code: string;
  pickSequence: number;
  itemId: string;
  /** on hand in the bin − Σ remaining of open tasks on (bin, item). */
  untasked: string;
}

/** A line quantity to place, in the order lines are served (oldest order first). */
export interface LineDemand {
  orderId: string;
  lineId: string;
  itemId: string;
  qty: string;
}

export interface PlannedPick {
  orderId: string;
  lineId: string;
  itemId: string;
  binId: string;
  binCode: string;
  pickSequence: number;
  qty: string;
}

export interface PickPlan {
  picks: PlannedPick[];
  /** Quantities no bin could cover (stock without a bin, or bins emptied by other tasks). */
  unplaced: LineDemand[];
}

/** Bins in walk order: pick sequence, then code. */
export function compareBins(a: { pickSequence: number; code: string }, b: { pickSequence: number; code: string }): number {
  return a.pickSequence - b.pickSequence || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/**
 * Places each demand on the bins holding its item, first in walk order, splitting
 * across bins when one does not hold enough. Bins are shared by the demands: what
 * one line takes, the next cannot. Demands are served in the order given, so an
 * older order gets the stock a bin does hold before a younger one.
 */
export function planPicks(demands: LineDemand[], bins: BinStock[]): PickPlan {
  const left = new Map<string, Dec>();
  const byItem = new Map<string, BinStock[]>();
  for (const bin of [...bins].sort(compareBins)) {
    const untasked = new Dec(bin.untasked);
    if (untasked.lte(0)) continue;
    left.set(`${bin.itemId}/${bin.binId}`, untasked);
    byItem.set(bin.itemId, [...(byItem.get(bin.itemId) ?? []), bin]);
  }
  const picks: PlannedPick[] = [];
  const unplaced: LineDemand[] = [];
  for (const demand of demands) {
    let wanted = new Dec(demand.qty);
    for (const bin of byItem.get(demand.itemId) ?? []) {
      if (wanted.lte(0)) break;
      const key = `${bin.itemId}/${bin.binId}`;
      const available = left.get(key)!;
      if (available.lte(0)) continue;
      const take = Dec.min(available, wanted);
      left.set(key, available.minus(take));
      wanted = wanted.minus(take);
      picks.push({ orderId: demand.orderId, lineId: demand.lineId, itemId: demand.itemId, binId: bin.binId, binCode: bin.code, pickSequence: bin.pickSequence, qty: take.toFixed() });
    }
    if (wanted.gt(0)) unplaced.push({ ...demand, qty: wanted.toFixed() });
  }
  return { picks, unplaced: unplaced };
}

/** What orders tasks in a walk: pick sequence, bin code, order number, line number. */
export interface WalkKey {
  pickSequence: number;
  binCode: string;
  orderNumber: string;
  lineNumber: number;
}

export function compareWalk(a: WalkKey, b: WalkKey): number {
  return (
    a.pickSequence - b.pickSequence ||
    (a.binCode < b.binCode ? -1 : a.binCode > b.binCode ? 1 : 0) ||
    (a.orderNumber < b.orderNumber ? -1 : a.orderNumber > b.orderNumber ? 1 : 0) ||
    a.lineNumber - b.lineNumber
  );
}

/** A line's quantity still to be waved in a warehouse (docs/fulfilment-contracts.md), never below zero. */
export function waveableQty(input: { reserved: string; openTaskRemaining: string; picked: string; shipped: string }): string {
  const waveable = new Dec(input.reserved).minus(input.openTaskRemaining).minus(new Dec(input.picked).minus(input.shipped));
  return waveable.gt(0) ? waveable.toFixed() : '0';
}
