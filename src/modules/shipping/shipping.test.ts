/** Shipping and invoicing over HTTP: the DOMAIN worked example, partial and split shipments, packing rules. */
import { describe, expect, it } from 'vitest';
import { isValidSscc } from './rules/sscc.rules.ts';
import {
  admin,
  auth,
  app,
  books,
  confirmedOrder,
  customer,
  east,
  entriesOf,
  expectBooksAgree,
  getJson,
  gizmo,
  main,
  packedShipment,
  pick,
  post,
  stock,
  tenant,
  TODAY,
  useShippingApi,
  widget,
} from './shipping.fixtures.ts';

useShippingApi();

async function eventsOf(aggregateId: string): Promise<Array<{ event_type: string; payload: Record<string, unknown> }>> {
  const { rows } = await admin().query(`select event_type, payload from outbox_events where tenant_id = $1 and aggregate_id = $2 order by event_id`, [tenant.tenantId, aggregateId]);
  return rows;
}

describe('ship confirmation: the DOMAIN worked example', () => {
  it('ships 4 × 25.00 at cost 14.00, tax 7.25 %, freight 9.00: COGS 56.00 / Inventory 56.00 and AR 116.25 / Revenue 100.00, Tax 7.25, Freight 9.00', async () => {
    const c = await customer({ paymentTermsDays: 30 });
    await stock(widget.itemId, main, '4', '14.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '4' }]);
    await pick(order, main);
    const { shipmentId, sscc } = await packedShipment(order, main, '2.5');
    expect(isValidSscc(sscc)).toBe(true);
    expect(sscc.startsWith('00614141')).toBe(true);

    const response = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', trackingNumber: '1Z999AA10123456784', freightMinor: 900 });
    expect(response.statusCode, response.body).toBe(200);
    const shipment = response.json();
    expect(shipment).toMatchObject({ status: 'shipped', carrier: 'UPS', service: 'GROUND', trackingNumber: '1Z999AA10123456784', freightMinor: 900, freightSource: 'entered', shipDate: TODAY });
    expect(shipment.lines).toEqual([{ lineId: order.lines[0]!.lineId, itemId: widget.itemId, qtyShipped: '4', costMinor: 5600 }]);

    expect(await entriesOf('shipment', shipmentId)).toEqual([
      { account: 'cogs', debit: 5600, credit: 0 },
      { account: 'inventory', debit: 0, credit: 5600 },
    ]);
    const invoice = await getJson(`/v1/invoices/${shipment.invoice.invoiceId}`);
    expect(invoice).toMatchObject({
      invoiceNumber: 'INV-000001',
      status: 'posted',
      invoiceDate: TODAY,
      dueDate: '2027-01-02',
      subtotalMinor: 10_000,
      taxMinor: 725,
      freightMinor: 900,
      freightTaxMinor: 0,
      totalMinor: 11_625,
      openMinor: 11_625,
    });
    expect(invoice.lines).toEqual([
      expect.objectContaining({ lineNumber: 1, unit: 'EA', qty: '4', qtyBase: '4', unitPrice: '25', amountMinor: 10_000, taxRate: '0.0725', taxMinor: 725 }),
    ]);
    expect(await entriesOf('invoice', invoice.invoiceId)).toEqual([
      { account: 'accounts_receivable', debit: 11_625, credit: 0 },
      { account: 'revenue', debit: 0, credit: 10_000 },
      { account: 'sales_tax_payable', debit: 0, credit: 725 },
      { account: 'freight_income', debit: 0, credit: 900 },
    ]);
    expect(invoice.journalEntries).toHaveLength(1);

    // Stock left at zero quantity and zero value; the reservation is consumed, not released.
    const { rows: balance } = await admin().query(`select on_hand::text, reserved::text, value_minor::int from stock_balances where tenant_id = $1 and item_id = $2 and warehouse_id = $3`, [tenant.tenantId, widget.itemId, main]);
    expect(balance[0]).toEqual({ on_hand: '0.000000', reserved: '0.000000', value_minor: 0 });
    const { rows: reservations } = await admin().query(`select status from reservations where tenant_id = $1 and order_id = $2`, [tenant.tenantId, order.orderId]);
    expect(reservations.map((r) => r.status)).toEqual(['consumed']);

    const salesOrder = await getJson(`/v1/sales-orders/${order.orderId}`);
    expect(salesOrder.status).toBe('shipped');
    expect(salesOrder.lines[0]).toMatchObject({ qtyShipped: '4', qtyAllocated: '0' });
    const { rows: invoiced } = await admin().query(`select invoiced_minor::int from sales_orders where order_id = $1`, [order.orderId]);
    expect(invoiced[0].invoiced_minor).toBe(11_625);
    const { rows: openItems } = await admin().query(`select document_type, document_number, amount_minor::int, open_minor::int, due_date::text from receivable_open_items where tenant_id = $1 and customer_id = $2`, [tenant.tenantId, c.customerId]);
    expect(openItems).toEqual([{ document_type: 'invoice', document_number: 'INV-000001', amount_minor: 11_625, open_minor: 11_625, due_date: '2027-01-02' }]);

    const shipmentEvents = await eventsOf(shipmentId);
    expect(shipmentEvents.map((e) => e.event_type)).toEqual(['shipment.created', 'shipment.confirmed']);
    expect(shipmentEvents[1]!.payload).toMatchObject({ carrier: 'UPS', trackingNumber: '1Z999AA10123456784', invoiceNumber: 'INV-000001', cartons: [{ sscc }] });
    expect((await eventsOf(invoice.invoiceId)).map((e) => e.event_type)).toEqual(['invoice.created']);
    expect((await eventsOf(order.orderId)).map((e) => e.event_type)).toContain('sales_order.shipped');
    await expectBooksAgree();
  });
});

describe('partial and split shipments', () => {
  it('ships what was picked, leaves the order partially_shipped, and ships the rest on a second invoice', async () => {
    const c = await customer();
    await stock(gizmo.itemId, main, '10', '1.46');
    const order = await confirmedOrder(c, [{ sku: 'GIZMO', qty: '10' }]);
    await pick(order, main, '3');
    const first = await post('/v1/shipments', { orderId: order.orderId, warehouseId: main });
    const carton = await post(`/v1/shipments/${first.json().shipmentId}/cartons`, { weightKg: '1.5' });
    const tooMuch = await post(`/v1/cartons/${carton.json().cartonId}/lines`, { itemScan: 'GIZMO', qty: '4' });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().code).toBe('PACK_EXCEEDS_PICKED');
    const packed = await post(`/v1/cartons/${carton.json().cartonId}/lines`, { itemScan: 'GIZMO', qty: '3' });
    expect(packed.statusCode, packed.body).toBe(200);
    // Freight computed from the customer's prepaid_and_add terms: 5.00 + 1.00 × 1.5 kg.
    const confirmed = await post(`/v1/shipments/${first.json().shipmentId}/confirm`, { carrier: 'FEDEX', service: 'GROUND' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ freightMinor: 650, freightSource: 'computed' });
    expect(confirmed.json().lines[0].costMinor).toBe(438);
    expect((await getJson(`/v1/sales-orders/${order.orderId}`)).status).toBe('partially_shipped');

    await pick(order, main, '7');
    const second = await packedShipment({ ...order, lines: [{ ...order.lines[0]!, reservations: [{ warehouseId: main, qty: '7' }] }] }, main);
    const rest = await post(`/v1/shipments/${second.shipmentId}/confirm`, { carrier: 'FEDEX', service: 'GROUND', freightMinor: 0 });
    expect(rest.statusCode, rest.body).toBe(200);
    // The last unit out takes the value left: 14.60 − 4.38 = 10.22.
    expect(rest.json().lines[0].costMinor).toBe(1022);
    expect((await getJson(`/v1/sales-orders/${order.orderId}`)).status).toBe('shipped');
    const invoices = await getJson(`/v1/invoices?orderId=${order.orderId}`);
    expect(invoices.data.map((i: { subtotalMinor: number }) => i.subtotalMinor)).toEqual([930, 2170]);
    await expectBooksAgree();
  });

  it('ships an order split across two warehouses as two shipments with two invoices', async () => {
    const c = await customer({ allowSplitWarehouses: true });
    await stock(widget.itemId, main, '2', '14.00');
    await stock(widget.itemId, east, '3', '15.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '5' }]);
    expect(order.lines[0]!.reservations).toHaveLength(2);
    await pick(order, main);
    await pick(order, east);
    const fromMain = await packedShipment(order, main);
    const fromEast = await packedShipment(order, east);
    expect(fromMain.sscc).not.toBe(fromEast.sscc);
    const a = await post(`/v1/shipments/${fromMain.shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 0 });
    expect(a.statusCode, a.body).toBe(200);
    expect((await getJson(`/v1/sales-orders/${order.orderId}`)).status).toBe('partially_shipped');
    const b = await post(`/v1/shipments/${fromEast.shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 0 });
    expect(b.statusCode, b.body).toBe(200);
    expect((await getJson(`/v1/sales-orders/${order.orderId}`)).status).toBe('shipped');
    expect([a.json().lines[0].costMinor, b.json().lines[0].costMinor]).toEqual([2800, 4500]);
    const invoices = (await getJson(`/v1/invoices?orderId=${order.orderId}`)).data;
    expect(invoices).toHaveLength(2);
    expect(invoices.map((i: { subtotalMinor: number }) => i.subtotalMinor).sort()).toEqual([5000, 7500]);
    const list = await getJson(`/v1/shipments?orderId=${order.orderId}&status=shipped`);
    expect(list.data).toHaveLength(2);
    await expectBooksAgree();
  });
});

describe('packing', () => {
  it('packs by GTIN scan, upserts the carton line, takes a line out again, and refuses an item not on the order', async () => {
    const c = await customer();
    await stock(widget.itemId, main, '5', '14.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '5' }]);
    await pick(order, main);
    const shipment = await post('/v1/shipments', { orderId: order.orderId, warehouseId: main });
    const carton = (await post(`/v1/shipments/${shipment.json().shipmentId}/cartons`, {})).json();
    expect((await post(`/v1/cartons/${carton.cartonId}/lines`, { itemScan: widget.gtin, qty: '2' })).json().lines[0].qty).toBe('2');
    expect((await post(`/v1/cartons/${carton.cartonId}/lines`, { itemScan: widget.gtin, qty: '3' })).json().lines[0].qty).toBe('5');
    const notOnOrder = await post(`/v1/cartons/${carton.cartonId}/lines`, { itemScan: 'GIZMO', qty: '1' });
    expect(notOnOrder.statusCode).toBe(422);
    expect(notOnOrder.json().code).toBe('ITEM_NOT_ON_ORDER');
    const removed = await app.inject({ method: 'DELETE', url: `/v1/cartons/${carton.cartonId}/lines/${order.lines[0]!.lineId}`, headers: auth() });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().lines).toEqual([]);
    const empty = await post(`/v1/shipments/${shipment.json().shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND' });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().code).toBe('SHIPMENT_EMPTY');
    const cancelled = await post(`/v1/shipments/${shipment.json().shipmentId}/cancel`, {});
    expect(cancelled.json().status).toBe('cancelled');
    // Goods packed on a cancelled shipment are free to pack again.
    const again = await packedShipment(order, main);
    expect(again.shipmentId).not.toBe(shipment.json().shipmentId);
    await expectBooksAgree();
    void (await books());
  });
});
