/**
 * Fault injection inside ship confirmation: after EACH write of the transaction
 * the test hook throws, and nothing of the confirmation may persist — the
 * shipment stays open, no stock leaves, no invoice, entry, open item, event or
 * invoice number exists — and the books still agree. Then the same shipment
 * confirms cleanly as INV-000001: no number was consumed by the failures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SHIP_CONFIRM_STEPS, shipConfirmFaults } from './ship-confirm.service.ts';
import { admin, confirmedOrder, customer, expectBooksAgree, main, packedShipment, pick, post, stock, tenant, useShippingApi, widget } from './shipping.fixtures.ts';

useShippingApi();

afterEach(() => {
  shipConfirmFaults.afterStep = () => {};
});

async function footprint(shipmentId: string) {
  const { rows } = await admin().query(
    `select (select status from shipments where tenant_id = $1 and shipment_id = $2) as status,
            (select count(*)::int from stock_movements where tenant_id = $1 and movement_type = 'issue') as issues,
            (select count(*)::int from shipment_lines where tenant_id = $1) as shipment_lines,
            (select count(*)::int from invoices where tenant_id = $1) as invoices,
            (select count(*)::int from invoice_lines where tenant_id = $1) as invoice_lines,
            (select count(*)::int from journal_entries where tenant_id = $1 and source_type in ('shipment', 'invoice')) as entries,
            (select count(*)::int from receivable_open_items where tenant_id = $1) as open_items,
            (select count(*)::int from outbox_events where tenant_id = $1 and event_type in ('shipment.confirmed', 'invoice.created', 'sales_order.shipped', 'sales_order.partially_shipped')) as events,
            (select count(*)::int from number_series where tenant_id = $1 and series = 'invoice') as invoice_series,
            (select sum(qty_shipped)::text from sales_order_lines where tenant_id = $1) as qty_shipped,
            (select sum(invoiced_minor)::int from sales_orders where tenant_id = $1) as invoiced,
            (select count(*)::int from reservations where tenant_id = $1 and status = 'open') as open_reservations`,
    [tenant.tenantId, shipmentId],
  );
  return rows[0];
}

describe('a failure after any write of ship confirmation leaves nothing behind', () => {
  it('rolls back every step, and the next invoice is still INV-000001', async () => {
    const c = await customer();
    await stock(widget.itemId, main, '4', '14.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '4' }]);
    await pick(order, main);
    const { shipmentId } = await packedShipment(order, main, '2');
    const before = await footprint(shipmentId);
    expect(before).toMatchObject({ status: 'open', issues: 0, invoices: 0, entries: 0, open_items: 0, events: 0, invoice_series: 0, invoiced: 0, open_reservations: 1 });

    const reached: string[] = [];
    for (const step of SHIP_CONFIRM_STEPS) {
      shipConfirmFaults.afterStep = (name) => {
        if (name === step) {
          reached.push(name);
          throw new Error(`injected fault after ${name}`);
        }
      };
      const response = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 900 });
      expect(response.statusCode, `${step}: ${response.body}`).toBe(500);
      expect(response.body).not.toContain('injected');
      expect(await footprint(shipmentId), step).toEqual(before);
      await expectBooksAgree();
    }
    // Every step was really reached (a renamed step would otherwise pass silently).
    expect(reached).toEqual([...SHIP_CONFIRM_STEPS]);

    shipConfirmFaults.afterStep = () => {};
    const response = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 900 });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().invoice.invoiceNumber).toBe('INV-000001');
    expect(await footprint(shipmentId)).toMatchObject({ status: 'shipped', issues: 1, invoices: 1, entries: 2, open_items: 1, events: 3, invoice_series: 1, invoiced: 11_625, open_reservations: 0 });
    await expectBooksAgree();
  });
});
