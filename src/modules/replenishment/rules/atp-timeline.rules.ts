import { Dec } from '../../../platform/money.ts';

/**
 * ATP by date as a pure fold (docs/replenishment.md). The opening balance is ATP now
 * (on hand − reserved, the numbers of GET /v1/items/:itemId/atp); every dated supply adds
 * to it and every dated demand takes from it, each on its date, where a date before today
 * counts today (an overdue PO line is still expected, an overdue backorder is wanted now).
 * Events after the horizon end are left out. One row per date with a change.
 */

export interface DatedQty {
  /** YYYY-MM-DD, or null for "now". */
  date: string | null;
  qty: string;
}

export interface AtpRow {
  date: string;
  incoming: string;
  demand: string;
  /** Cumulative ATP at the end of the date. */
  atp: string;
}

export interface AtpTimeline {
  /** ATP at the end of today: available now + what is due today (overdue included) − demand due today. */
  atpToday: string;
  rows: AtpRow[];
  /**
   * The first date from which cumulative ATP stays at or above `qty` up to the horizon end:
   * promising `qty` on that date takes nothing a later date needs. Null when it never does
   * within the horizon, or when no qty was asked.
   */
  coversQtyOn: string | null;
}

export function buildAtpTimeline(input: { today: string; horizonEnd: string; available: string; supply: DatedQty[]; demand: DatedQty[]; qty?: string | undefined }): AtpTimeline {
  const byDate = new Map<string, { incoming: Dec; demand: Dec }>();
  const bucket = (date: string | null) => {
    const day = date === null || date < input.today ? input.today : date;
    if (day > input.horizonEnd) return undefined;
    let entry = byDate.get(day);
    if (!entry) byDate.set(day, (entry = { incoming: new Dec(0), demand: new Dec(0) }));
    return entry;
  };
  for (const supply of input.supply) {
    const entry = bucket(supply.date);
    if (entry) entry.incoming = entry.incoming.plus(supply.qty);
  }
  for (const demand of input.demand) {
    const entry = bucket(demand.date);
    if (entry) entry.demand = entry.demand.plus(demand.qty);
  }
  let atp = new Dec(input.available);
  let atpToday = atp;
  const rows: AtpRow[] = [];
  for (const date of [...byDate.keys()].sort()) {
    const entry = byDate.get(date)!;
    if (entry.incoming.isZero() && entry.demand.isZero()) continue;
    atp = atp.plus(entry.incoming).minus(entry.demand);
    if (date === input.today) atpToday = atp;
    rows.push({ date, incoming: entry.incoming.toFixed(), demand: entry.demand.toFixed(), atp: atp.toFixed() });
  }
  return { atpToday: atpToday.toFixed(), rows, coversQtyOn: input.qty === undefined ? null : coversOn(input.today, input.available, rows, new Dec(input.qty)) };
}

function coversOn(today: string, available: string, rows: AtpRow[], qty: Dec): string | null {
  // Walk backwards: the answer is the day after the last date whose ATP is short (or today).
  const points: Array<{ date: string; atp: Dec }> = [{ date: today, atp: new Dec(available) }, ...rows.map((row) => ({ date: row.date, atp: new Dec(row.atp) }))];
  let answer: string | null = null;
  for (let index = points.length - 1; index >= 0; index--) {
    const point = points[index]!;
    if (point.atp.lt(qty)) break;
    answer = point.date;
  }
  return answer;
}
