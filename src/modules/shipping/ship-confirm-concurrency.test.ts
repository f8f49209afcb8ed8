/**
 * Concurrent ship confirmations on real parallel connections: invoice numbers
 * are gapless and unique, each shipment posts exactly once, the same shipment
 * confirmed twice at once succeeds once (the other gets SHIPMENT_NOT_OPEN), and
 * no deadlock or serialization failure reaches a caller.
 */
import { describe, expect, it } from 'vitest';
import { confirmShipment } from './ship-confirm.service.ts';
import { admin, confirmedOrder, customer, expectBooksAgree, gizmo, inTenant, main, packedShipment, pick, post, stock, tenant, useShippingApi, widget } from './shipping.fixtures.ts';

useShippingApi();

const ORDERS = 8;

describe('concurrent ship confirmations', () => {
  it('numbers invoices gaplessly and posts each shipment exactly once', async () => {
    await stock(widget.itemId, main, String(ORDERS * 2), '14.00');
    await stock(gizmo.itemId, main, String(ORDERS * 3), '1.46');
    const shipments: string[] = [];
    for (let index = 0; index < ORDERS; index++) {
      // Every order holds both items, so every confirmation locks the same two balances and the invoice series.
      const order = await confirmedOrder(await customer(), [{ sku: 'WIDGET', qty: '2' }, { sku: 'GIZMO', qty: '3' }]);
      await pick(order, main);
      shipments.push((await packedShipment(order, main)).shipmentId);
    }

    // Real parallel transactions (separate pooled connections), the first shipment twice.
    const attempts = [...shipments, shipments[0]!].map((shipmentId) =>
      inTenant((tx, c) => confirmShipment(tx, c, { shipmentId, carrier: 'UPS', service: 'GROUND', freightMinor: 500 })).then(
        (shipment) => ({ ok: true as const, invoiceNumber: shipment.invoice!.invoiceNumber }),
        (error: { code?: string }) => ({ ok: false as const, code: error.code }),
      ),
    );
    const results = await Promise.all(attempts);
    const failures = results.filter((result) => !result.ok);
    expect(failures).toEqual([{ ok: false, code: 'SHIPMENT_NOT_OPEN' }]);
    const numbers = results.flatMap((result) => (result.ok ? [result.invoiceNumber] : [])).sort();
    expect(numbers).toEqual(Array.from({ length: ORDERS }, (_, index) => `INV-${String(index + 1).padStart(6, '0')}`));

    const { rows } = await admin().query(
      `select s.shipment_id,
              (select count(*)::int from invoices i where i.tenant_id = s.tenant_id and i.shipment_id = s.shipment_id) as invoices,
              (select count(*)::int from journal_entries e where e.tenant_id = s.tenant_id and e.source_type = 'shipment' and e.source_id = s.shipment_id::text) as cost_entries,
              (select count(*)::int from stock_movements m where m.tenant_id = s.tenant_id and m.movement_type = 'issue' and m.reference_id = s.shipment_id::text) as issues
       from shipments s where s.tenant_id = $1 and s.status = 'shipped'`,
      [tenant.tenantId],
    );
    expect(rows).toHaveLength(ORDERS);
    for (const row of rows) expect(row).toMatchObject({ invoices: 1, cost_entries: 1, issues: 2 });
    await expectBooksAgree();
  });

  it('lets exactly one of two simultaneous HTTP confirmations of one shipment through', async () => {
    await stock(widget.itemId, main, '1', '14.00');
    const order = await confirmedOrder(await customer(), [{ sku: 'WIDGET', qty: '1' }]);
    await pick(order, main);
    const { shipmentId } = await packedShipment(order, main);
    const responses = await Promise.all([1, 2].map(() => post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 0 })));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(responses.find((r) => r.statusCode === 409)!.json().code).toBe('SHIPMENT_NOT_OPEN');
    await expectBooksAgree();
  });
});
