import { describe, expect, it } from 'vitest';
import { stockKey, type AllocationPolicy } from './allocation.rules.ts';
import { planBackorderRelease, type BackorderCandidate } from './backorder-release.rules.ts';

const partial: AllocationPolicy = { allowPartialShipment: true, remainderPolicy: 'backorder', allowSplitWarehouses: true };
const shipComplete: AllocationPolicy = { ...partial, allowPartialShipment: false };

function candidate(orderId: string, orderDate: string, qty: string, policy = partial, item = 'a'): BackorderCandidate {
  return { orderId, orderDate, policy, warehouseIds: ['w1'], lines: [{ lineId: `${orderId}-l1`, itemId: item, qty }] };
}

function reserved(plans: ReturnType<typeof planBackorderRelease>): Record<string, string> {
  return Object.fromEntries(plans.map(({ orderId, plan }) => [orderId, plan.lines.flatMap((l) => l.reservations).reduce((s, r) => s + Number(r.qty), 0).toString()]));
}

describe('planBackorderRelease', () => {
  it('serves the oldest order first, whatever order the candidates come in', () => {
    const plans = planBackorderRelease(
      [candidate('o3', '2026-12-03', '4'), candidate('o1', '2026-12-01', '4'), candidate('o2', '2026-12-02', '4')],
      new Map([[stockKey('a', 'w1'), '6']]),
    );
    expect(plans.map((p) => p.orderId)).toEqual(['o1', 'o2', 'o3']);
    expect(reserved(plans)).toEqual({ o1: '4', o2: '2', o3: '0' });
  });

  it('breaks a tie on order date by order id (creation order)', () => {
    const plans = planBackorderRelease([candidate('o-b', '2026-12-01', '3'), candidate('o-a', '2026-12-01', '3')], new Map([[stockKey('a', 'w1'), '3']]));
    expect(reserved(plans)).toEqual({ 'o-a': '3', 'o-b': '0' });
  });

  it('skips an older ship-complete order it cannot fill and serves a younger one', () => {
    const plans = planBackorderRelease(
      [candidate('o1', '2026-12-01', '10', shipComplete), candidate('o2', '2026-12-02', '4')],
      new Map([[stockKey('a', 'w1'), '5']]),
    );
    expect(reserved(plans)).toEqual({ o1: '0', o2: '4' });
  });

  it('keeps what still cannot be reserved backordered even for a customer whose policy now cancels remainders', () => {
    const [only] = planBackorderRelease([candidate('o1', '2026-12-01', '10', { ...partial, remainderPolicy: 'cancel' })], new Map([[stockKey('a', 'w1'), '4']]));
    expect(only!.plan.lines[0]).toMatchObject({ backorderQty: '6', cancelQty: '0' });
  });

  it('never releases more than arrived in total', () => {
    const candidates = Array.from({ length: 20 }, (_, i) => candidate(`o${String(i).padStart(2, '0')}`, '2026-12-01', String((i % 4) + 1)));
    const plans = planBackorderRelease(candidates, new Map([[stockKey('a', 'w1'), '17']]));
    const total = Object.values(reserved(plans)).reduce((s, q) => s + Number(q), 0);
    expect(total).toBe(17);
  });
});
