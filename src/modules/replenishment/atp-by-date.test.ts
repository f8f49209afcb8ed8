/** ATP by date through the API: PO lines on several dates, backorders, per warehouse and total, agreeing with ATP now. */
import { describe, expect, it } from 'vitest';
import { customer, get, approvedPo, createPo, item, offer, receive, salesOrder, sentPo, stock, supplier, useWarehouseApi, warehouse } from './replenishment.fixtures.ts';

useWarehouseApi();

type Row = { date: string; incoming: string; demand: string; atp: string };
const rows = (position: { rows: Row[] }) => position.rows.map((row) => [row.date, row.incoming, row.demand, row.atp]);

describe('GET /v1/items/:itemId/atp-by-date', () => {
  it('adds committed PO lines on their expected dates and takes backorders on their requested dates, per warehouse and in total', async () => {
    const dal = await warehouse();
    const hou = await warehouse();
    const a = await item();
    const s = await supplier();
    await offer(s, a.itemId, { cost: '1.00', leadTimeDays: 3 });
    await stock(a.itemId, dal, null, '10');
    // DAL: line dates 12-08 (20, 5 of it received below) and 12-01 (6, overdue: counts today).
    const poA = await sentPo({ supplierId: s, warehouseId: dal, lines: [{ itemId: a.itemId, qty: '20', expectedDate: '2026-12-08' }, { itemId: a.itemId, qty: '6', expectedDate: '2026-12-01' }] });
    // DAL: no line date, the order's expected date 12-13.
    await approvedPo({ supplierId: s, warehouseId: dal, expectedDate: '2026-12-13', lines: [{ itemId: a.itemId, qty: '8' }] });
    // HOU: no dates at all → order date (today) + the supplier item's lead time of 3 days.
    await sentPo({ supplierId: s, warehouseId: hou, lines: [{ itemId: a.itemId, qty: '12' }] });
    // HOU: beyond a 30-day horizon.
    await sentPo({ supplierId: s, warehouseId: hou, lines: [{ itemId: a.itemId, qty: '50', expectedDate: '2027-03-01' }] });
    // A draft is not a promise from the supplier: ATP does not count it.
    await createPo({ supplierId: s, warehouseId: dal, lines: [{ itemId: a.itemId, qty: '100', expectedDate: '2026-12-05' }] });
    // 5 of line 1 arrive: on hand 15, line 1 has 15 to come.
    const receipt = await receive({ purchaseOrderId: poA.purchaseOrderId, lines: [{ scan: a.sku, qty: '5' }] });
    expect(receipt.statusCode, receipt.body).toBe(201);
    // 19 ordered for 12-10: 15 reserved, 4 backordered (wanted in DAL, where the order holds stock).
    const so = await salesOrder(await customer(dal), [{ itemId: a.itemId, qty: '19', requestedDate: '2026-12-10' }]);
    expect(so.lines[0]).toMatchObject({ qtyAllocated: '15', qtyBackordered: '4' });

    const response = await get(`/v1/items/${a.itemId}/atp-by-date?qty=20`);
    expect(response.statusCode, response.body).toBe(200);
    const atp = response.json();
    expect(atp).toMatchObject({ itemId: a.itemId, today: '2026-12-03', horizonDays: 30, horizonEnd: '2027-01-02', qty: '20' });
    const byId = new Map(atp.warehouses.map((row: { warehouseId: string }) => [row.warehouseId, row]));
    const d = byId.get(dal) as { onHand: string; reserved: string; available: string; atpToday: string; rows: Row[]; coversQtyOn: string | null };
    const h = byId.get(hou) as typeof d;
    expect(d).toMatchObject({ onHand: '15', reserved: '15', available: '0', atpToday: '6', coversQtyOn: '2026-12-13' });
    expect(rows(d)).toEqual([
      ['2026-12-03', '6', '0', '6'],
      ['2026-12-08', '15', '0', '21'],
      ['2026-12-10', '0', '4', '17'],
      ['2026-12-13', '8', '0', '25'],
    ]);
    expect(h).toMatchObject({ onHand: '0', reserved: '0', available: '0', atpToday: '0', coversQtyOn: null });
    expect(rows(h)).toEqual([['2026-12-06', '12', '0', '12']]);
    expect(atp.total).toMatchObject({ onHand: '15', reserved: '15', available: '0', atpToday: '6', coversQtyOn: '2026-12-08' });
    expect(rows(atp.total)).toEqual([
      ['2026-12-03', '6', '0', '6'],
      ['2026-12-06', '12', '0', '18'],
      ['2026-12-08', '15', '0', '33'],
      ['2026-12-10', '0', '4', '29'],
      ['2026-12-13', '8', '0', '37'],
    ]);

    // Today agrees with ATP now, warehouse by warehouse and in total.
    const now = (await get(`/v1/items/${a.itemId}/atp`)).json();
    expect(now.warehouses.length).toBe(atp.warehouses.length);
    for (const row of now.warehouses) {
      expect(byId.get(row.warehouseId)).toMatchObject({ onHand: row.onHand, reserved: row.reserved, available: row.available });
    }
    expect(atp.total).toMatchObject(now.total);

    // A longer horizon reaches the March order; a warehouse filter answers for that warehouse alone.
    const long = (await get(`/v1/items/${a.itemId}/atp-by-date?horizonDays=120&warehouseId=${hou}`)).json();
    expect(long.warehouses.map((row: { warehouseId: string }) => row.warehouseId)).toEqual([hou]);
    expect(rows(long.total)).toEqual([['2026-12-06', '12', '0', '12'], ['2027-03-01', '50', '0', '62']]);
    expect(long.total).toMatchObject({ onHand: '0', available: '0', coversQtyOn: null });
  });

  it('refuses an unknown item or warehouse and a horizon or quantity out of range', async () => {
    const a = await item();
    const unknownItem = await get(`/v1/items/${crypto.randomUUID()}/atp-by-date`);
    expect(unknownItem.statusCode).toBe(404);
    expect(unknownItem.json().code).toBe('ITEM_NOT_FOUND');
    const unknownWarehouse = await get(`/v1/items/${a.itemId}/atp-by-date?warehouseId=${crypto.randomUUID()}`);
    expect(unknownWarehouse.statusCode).toBe(404);
    expect(unknownWarehouse.json().code).toBe('WAREHOUSE_NOT_FOUND');
    for (const query of ['horizonDays=0', 'horizonDays=367', 'horizonDays=1.5', 'qty=-1', 'qty=abc']) {
      const response = await get(`/v1/items/${a.itemId}/atp-by-date?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code, query).toBe('VALIDATION_FAILED');
    }
    expect((await get(`/v1/items/${a.itemId}/atp-by-date?horizonDays=366&qty=0.5`)).statusCode).toBe(200);
  });
});
