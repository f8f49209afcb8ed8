import { describe, expect, it } from 'vitest';
import { buildAtpTimeline } from './atp-timeline.rules.ts';
import { chooseSupplier, quantityNeeded, roundToSupplier, type ReplenishmentRule, type SupplierOffer } from './replenishment.rules.ts';

const minMax = (minQty: string, maxQty: string): ReplenishmentRule => ({ method: 'min_max', minQty, maxQty });
const reorder = (reorderPoint: string, reorderQty: string): ReplenishmentRule => ({ method: 'reorder_point', reorderPoint, reorderQty });

describe('quantityNeeded', () => {
  it.each([
    ['min/max: below min orders up to max', minMax('10', '50'), '4', { qty: '46', reason: 'BELOW_MIN' }],
    ['min/max: a negative position (backorders) orders up to max from below zero', minMax('10', '50'), '-6', { qty: '56', reason: 'BELOW_MIN' }],
    ['min/max: exactly at min needs nothing', minMax('10', '50'), '10', null],
    ['min/max: above min needs nothing', minMax('10', '50'), '11', null],
    ['min/max: fractional quantities stay exact', minMax('2.5', '7.25'), '0.1', { qty: '7.15', reason: 'BELOW_MIN' }],
    ['reorder point: at the point orders once', reorder('10', '24'), '10', { qty: '24', reason: 'AT_OR_BELOW_REORDER_POINT' }],
    ['reorder point: above the point needs nothing', reorder('10', '24'), '10.000001', null],
    ['reorder point: far below repeats until above the point', reorder('10', '24'), '-30', { qty: '48', reason: 'AT_OR_BELOW_REORDER_POINT' }],
    ['reorder point: landing exactly on the point takes one more', reorder('10', '20'), '-10', { qty: '40', reason: 'AT_OR_BELOW_REORDER_POINT' }],
    ['reorder point: zero point and zero position orders', reorder('0', '5'), '0', { qty: '5', reason: 'AT_OR_BELOW_REORDER_POINT' }],
  ])('%s', (_name, rule, position, expected) => {
    expect(quantityNeeded(rule, position)).toEqual(expected);
  });
});

describe('roundToSupplier', () => {
  it.each([
    ['raised to the minimum order quantity', '5', { minOrderQty: '48', packSize: '1' }, '48'],
    ['up to a whole number of packs', '50', { minOrderQty: '0', packSize: '12' }, '60'],
    ['minimum first, then packs: a minimum that is not a pack multiple rounds up further', '5', { minOrderQty: '50', packSize: '12' }, '60'],
    ['already a pack multiple above the minimum stays', '36', { minOrderQty: '24', packSize: '12' }, '36'],
    ['fractional packs', '1.1', { minOrderQty: '0', packSize: '0.5' }, '1.5'],
  ])('%s', (_name, qty, offer, expected) => {
    expect(roundToSupplier(qty, offer)).toBe(expected);
  });
});

describe('chooseSupplier', () => {
  const offer = (supplierId: string, cost: string, leadTimeDays: number): SupplierOffer => ({ supplierId, supplierCode: supplierId.toUpperCase(), cost, leadTimeDays, minOrderQty: '0', packSize: '1' });
  const offers = [offer('b', '1.10', 9), offer('a', '1.20', 2), offer('c', '1.10', 3)];
  it('takes the preferred supplier when it has an active offer, even when dearer', () => {
    expect(chooseSupplier(offers, 'a')?.supplierId).toBe('a');
  });
  it('else the lowest cost, ties broken by the shortest lead time', () => {
    expect(chooseSupplier(offers, null)?.supplierId).toBe('c');
    expect(chooseSupplier(offers, 'gone')?.supplierId).toBe('c');
  });
  it('none without offers', () => {
    expect(chooseSupplier([], 'a')).toBeNull();
  });
});

describe('buildAtpTimeline', () => {
  const base = { today: '2026-12-03', horizonEnd: '2027-01-02', available: '10' };
  it('folds supply and demand by date; overdue counts today; beyond the horizon is left out', () => {
    const timeline = buildAtpTimeline({
      ...base,
      supply: [
        { date: '2026-12-01', qty: '5' },
        { date: '2026-12-10', qty: '20' },
        { date: '2027-02-01', qty: '99' },
      ],
      demand: [
        { date: null, qty: '3' },
        { date: '2026-12-12', qty: '30' },
      ],
      qty: '12',
    });
    expect(timeline.rows).toEqual([
      { date: '2026-12-03', incoming: '5', demand: '3', atp: '12' },
      { date: '2026-12-10', incoming: '20', demand: '0', atp: '32' },
      { date: '2026-12-12', incoming: '0', demand: '30', atp: '2' },
    ]);
    expect(timeline.atpToday).toBe('12');
    // 12 is there today and on the 10th, but the 12th needs it back: nothing covers 12 for good.
    expect(timeline.coversQtyOn).toBeNull();
  });
  it('coversQtyOn is the first date from which ATP stays at or above the quantity', () => {
    const timeline = buildAtpTimeline({ ...base, supply: [{ date: '2026-12-08', qty: '10' }, { date: '2026-12-20', qty: '30' }], demand: [{ date: '2026-12-15', qty: '15' }], qty: '20' });
    expect(timeline.rows.map((row) => [row.date, row.atp])).toEqual([['2026-12-08', '20'], ['2026-12-15', '5'], ['2026-12-20', '35']]);
    expect(timeline.coversQtyOn).toBe('2026-12-20');
    expect(buildAtpTimeline({ ...base, supply: [], demand: [], qty: '10' })).toEqual({ atpToday: '10', rows: [], coversQtyOn: '2026-12-03' });
  });
});
