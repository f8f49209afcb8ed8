/** Invoices and credit memos over HTTP: void, credit, and bad input that writes nothing. */
import { describe, expect, it } from 'vitest';
import {
  admin,
  auth,
  app,
  confirmedOrder,
  customer,
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
  useShippingApi,
  widget,
} from '../shipping/shipping.fixtures.ts';

useShippingApi();

/** Ships n widgets at 25.00 (cost 14.00, tax 7.25 %, freight 9.00) and returns the shipment and invoice. */
async function shippedInvoice(qty = '4') {
  const c = await customer();
  await stock(widget.itemId, main, qty, '14.00');
  const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty }]);
  await pick(order, main);
  const { shipmentId } = await packedShipment(order, main);
  const confirmed = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 900 });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { c, order, shipmentId, invoiceId: confirmed.json().invoice.invoiceId as string };
}

async function counts() {
  const { rows } = await admin().query(
    `select (select count(*)::int from invoices where tenant_id = $1 and status = 'voided') as voided,
            (select count(*)::int from credit_memos where tenant_id = $1) as credit_memos,
            (select count(*)::int from journal_entries where tenant_id = $1) as entries,
            (select count(*)::int from receivable_open_items where tenant_id = $1) as open_items,
            (select coalesce(sum(open_minor), 0)::int from receivable_open_items where tenant_id = $1) as open_minor,
            (select count(*)::int from outbox_events where tenant_id = $1) as events,
            (select count(*)::int from shipments where tenant_id = $1 and status = 'shipped') as shipped,
            (select count(*)::int from cartons where tenant_id = $1) as cartons,
            (select coalesce(max(next_value), 0)::int from number_series where tenant_id = $1 and series in ('invoice', 'credit_memo')) as numbers`,
    [tenant.tenantId],
  );
  return rows[0];
}

describe('voiding an invoice', () => {
  it('closes the open item, posts the reversing entry and takes the total off the order; the goods stay shipped', async () => {
    const { order, invoiceId } = await shippedInvoice();
    const voided = await post(`/v1/invoices/${invoiceId}/void`, { reason: 'Billed to the wrong account' });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(voided.json()).toMatchObject({ status: 'voided', openMinor: 0 });
    expect(voided.json().journalEntries).toHaveLength(2);
    expect(voided.json().journalEntries[1].reversesEntryId).toBe(voided.json().journalEntries[0].entryId);
    expect((await entriesOf('invoice', invoiceId)).slice(4)).toEqual([
      { account: 'accounts_receivable', debit: 0, credit: 11_625 },
      { account: 'revenue', debit: 10_000, credit: 0 },
      { account: 'sales_tax_payable', debit: 725, credit: 0 },
      { account: 'freight_income', debit: 900, credit: 0 },
    ]);
    const { rows } = await admin().query(`select invoiced_minor::int, status from sales_orders where order_id = $1`, [order.orderId]);
    expect(rows[0]).toEqual({ invoiced_minor: 0, status: 'shipped' });
    await expectBooksAgree();

    // Bad input: voiding twice writes nothing.
    const before = await counts();
    const again = await post(`/v1/invoices/${invoiceId}/void`, { reason: 'again' });
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe('INVOICE_VOIDED');
    expect(await counts()).toEqual(before);

    // Nor can a voided invoice be credited.
    const credit = await post('/v1/credit-memos', { invoiceId, reason: 'late', lines: [{ invoiceLineNumber: 1, qty: '1' }] });
    expect(credit.statusCode).toBe(422);
    expect(credit.json().code).toBe('INVOICE_VOIDED');
    expect(await counts()).toEqual(before);
  });

  it('refuses to void an invoice something was applied to', async () => {
    const { invoiceId } = await shippedInvoice('1');
    const invoice = await getJson(`/v1/invoices/${invoiceId}`);
    // A payment applied (billing's payments half writes this; here the open item as it would leave it).
    await admin().query(`update receivable_open_items set open_minor = open_minor - 100 where tenant_id = $1 and document_number = $2`, [tenant.tenantId, invoice.invoiceNumber]);
    const response = await post(`/v1/invoices/${invoiceId}/void`, { reason: 'too late' });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('INVOICE_NOT_VOIDABLE');
    expect((await getJson(`/v1/invoices/${invoiceId}`)).status).toBe('posted');
    await admin().query(`update receivable_open_items set open_minor = open_minor + 100 where tenant_id = $1 and document_number = $2`, [tenant.tenantId, invoice.invoiceNumber]);
  });
});

describe('credit memos', () => {
  it('credits part of a line and some freight, then the rest exactly, with a negative open item and the reversing postings', async () => {
    const { invoiceId } = await shippedInvoice();
    const first = await post('/v1/credit-memos', { invoiceId, reason: 'One damaged', lines: [{ invoiceLineNumber: 1, qty: '1' }], freightMinor: 300 }, { 'idempotency-key': `cm-${invoiceId}` });
    expect(first.statusCode, first.body).toBe(201);
    const memo = first.json();
    expect(memo).toMatchObject({ subtotalMinor: 2500, taxMinor: 181, freightMinor: 300, totalMinor: 2981 });
    expect(memo.creditMemoNumber).toMatch(/^CM-\d{6}$/);
    const replay = await post('/v1/credit-memos', { invoiceId, reason: 'One damaged', lines: [{ invoiceLineNumber: 1, qty: '1' }], freightMinor: 300 }, { 'idempotency-key': `cm-${invoiceId}` });
    expect(replay.json().creditMemoId).toBe(memo.creditMemoId);
    expect(await entriesOf('credit_memo', memo.creditMemoId)).toEqual([
      { account: 'sales_returns', debit: 2500, credit: 0 },
      { account: 'sales_tax_payable', debit: 181, credit: 0 },
      { account: 'freight_income', debit: 300, credit: 0 },
      { account: 'accounts_receivable', debit: 0, credit: 2981 },
    ]);
    const { rows } = await admin().query(`select amount_minor::int, open_minor::int from receivable_open_items where tenant_id = $1 and document_type = 'credit_memo' and document_number = $2`, [tenant.tenantId, memo.creditMemoNumber]);
    expect(rows[0]).toEqual({ amount_minor: -2981, open_minor: -2981 });
    await expectBooksAgree();

    // Bad input: more than is left to credit writes nothing.
    const before = await counts();
    const tooMuch = await post('/v1/credit-memos', { invoiceId, reason: 'all of it', lines: [{ invoiceLineNumber: 1, qty: '4' }] });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().code).toBe('CREDIT_EXCEEDS_INVOICED');
    const freightTooMuch = await post('/v1/credit-memos', { invoiceId, reason: 'freight', lines: [], freightMinor: 601 });
    expect(freightTooMuch.json().code).toBe('CREDIT_EXCEEDS_INVOICED');
    expect(await counts()).toEqual(before);

    // The rest of the line credits exactly what was invoiced and not yet credited.
    const rest = await post('/v1/credit-memos', { invoiceId, reason: 'Returned', lines: [{ invoiceLineNumber: 1, qty: '3' }] });
    expect(rest.statusCode, rest.body).toBe(201);
    expect(rest.json()).toMatchObject({ subtotalMinor: 7500, taxMinor: 725 - 181 });
    const list = await getJson(`/v1/credit-memos?invoiceId=${invoiceId}`);
    expect(list.data).toHaveLength(2);
    // A credited invoice is no longer voidable.
    const voidIt = await post(`/v1/invoices/${invoiceId}/void`, { reason: 'no' });
    expect(voidIt.json().code).toBe('INVOICE_NOT_VOIDABLE');
    await expectBooksAgree();
  });
});

describe('bad input writes nothing', () => {
  it('refuses to confirm a shipment twice', async () => {
    const { shipmentId } = await shippedInvoice('1');
    const before = await counts();
    const again = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SHIPMENT_NOT_OPEN');
    expect(await counts()).toEqual(before);
  });

  it('refuses a carton while the tenant has no GS1 company prefix', async () => {
    const c = await customer();
    await stock(widget.itemId, main, '1', '14.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '1' }]);
    const shipment = await post('/v1/shipments', { orderId: order.orderId, warehouseId: main });
    await admin().query(`update tenants set settings = settings - 'gs1CompanyPrefix' where tenant_id = $1`, [tenant.tenantId]);
    try {
      const before = await counts();
      const carton = await post(`/v1/shipments/${shipment.json().shipmentId}/cartons`, {});
      expect(carton.statusCode).toBe(422);
      expect(carton.json().code).toBe('GS1_PREFIX_NOT_CONFIGURED');
      expect(await counts()).toEqual(before);
    } finally {
      const restored = await app.inject({ method: 'PUT', url: '/v1/settings/shipping', headers: auth(), payload: { gs1CompanyPrefix: '0614141', freight: { baseMinor: 500, perKgMinor: 100 } } });
      expect(restored.statusCode).toBe(200);
    }
  });

  it('refuses to post a shipment into a closed period, and nothing of it persists', async () => {
    const c = await customer();
    await stock(widget.itemId, main, '2', '14.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '2' }]);
    await pick(order, main);
    const { shipmentId } = await packedShipment(order, main);
    await admin().query(
      `insert into fiscal_periods (tenant_id, period, starts_on, ends_on, status, closed_at, closed_by) values ($1, '2026-12', '2026-12-01', '2026-12-31', 'closed', now(), 'test')
       on conflict (tenant_id, period) do update set status = 'closed', closed_at = now(), closed_by = 'test'`,
      [tenant.tenantId],
    );
    try {
      const before = await counts();
      const response = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 900 });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('PERIOD_CLOSED');
      expect(await counts()).toEqual(before);
      expect((await getJson(`/v1/shipments/${shipmentId}`)).status).toBe('open');
    } finally {
      await admin().query(`update fiscal_periods set status = 'open', closed_at = null, closed_by = null where tenant_id = $1 and period = '2026-12'`, [tenant.tenantId]);
    }
    await expectBooksAgree();
  });

  it('refuses a shipment for an order that does not ship yet', async () => {
    const c = await customer();
    const draft = await post('/v1/sales-orders', { customerId: c.customerId, shipToId: c.shipToId, lines: [{ sku: 'WIDGET', qty: '1' }] });
    const response = await post('/v1/shipments', { orderId: draft.json().orderId, warehouseId: main });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('SHIPMENT_ORDER_NOT_SHIPPABLE');
  });
});

describe('credit memos with goods returned to stock', () => {
  it('puts the goods back at the cost they shipped at (Dr Inventory / Cr COGS), the last return taking the last of the cost', async () => {
    // 3 at 1.00 + 1 at 2.00 on hand → moving average 1.25; shipping 3 costs 3.75.
    await stock(widget.itemId, main, '3', '1.00');
    await stock(widget.itemId, main, '1', '2.00');
    const c = await customer();
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '3' }]);
    await pick(order, main);
    const { shipmentId } = await packedShipment(order, main);
    const confirmed = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 0 });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const invoiceId = confirmed.json().invoice.invoiceId as string;
    const { rows: shipped } = await admin().query(`select cost_minor::int from shipment_lines where tenant_id = $1 and shipment_id = $2`, [tenant.tenantId, shipmentId]);
    const shippedCost = shipped[0].cost_minor as number;

    const onHand = async () =>
      (await admin().query(`select on_hand::text, value_minor::int from stock_balances where tenant_id = $1 and item_id = $2 and warehouse_id = $3`, [tenant.tenantId, widget.itemId, main])).rows[0];
    const before = await onHand();
    const one = await post('/v1/credit-memos', { invoiceId, reason: 'Returned unopened', lines: [{ invoiceLineNumber: 1, qty: '1' }], returnToStock: {} });
    expect(one.statusCode, one.body).toBe(201);
    const firstCost = Math.round(shippedCost / 3);
    expect(one.json()).toMatchObject({ returnWarehouseId: main, lines: [{ costMinor: firstCost }] });
    expect((await entriesOf('credit_memo', one.json().creditMemoId)).map((line) => line.account)).toEqual(['sales_returns', 'sales_tax_payable', 'accounts_receivable']);
    const { rows: movement } = await admin().query(
      `select movement_type, qty::text, value_minor::int from stock_movements where tenant_id = $1 and reference_type = 'credit_memo' and reference_id = $2`,
      [tenant.tenantId, one.json().creditMemoId],
    );
    expect(movement).toEqual([{ movement_type: 'receipt', qty: '1.000000', value_minor: firstCost }]);
    const { rows: posting } = await admin().query(
      `select a.system_role as account, l.debit_minor::int as debit, l.credit_minor::int as credit
         from journal_entries e join journal_lines l using (tenant_id, entry_id) join accounts a using (tenant_id, account_id)
        where e.tenant_id = $1 and e.source_type = 'stock_movement' and e.source_id = (
          select movement_id::text from stock_movements where tenant_id = $1 and reference_id = $2) order by l.line_number`,
      [tenant.tenantId, one.json().creditMemoId],
    );
    expect(posting).toEqual([
      { account: 'inventory', debit: firstCost, credit: 0 },
      { account: 'cogs', debit: 0, credit: firstCost },
    ]);
    const afterOne = await onHand();
    expect(Number(afterOne.on_hand)).toBe(Number(before.on_hand) + 1);
    expect(afterOne.value_minor).toBe(before.value_minor + firstCost);

    // The rest comes back: together the returns put back exactly what the shipment took out.
    const rest = await post('/v1/credit-memos', { invoiceId, reason: 'Returned unopened', lines: [{ invoiceLineNumber: 1, qty: '2' }], returnToStock: { warehouseId: main } });
    expect(rest.statusCode, rest.body).toBe(201);
    expect(rest.json().lines[0].costMinor).toBe(shippedCost - firstCost);
    await expectBooksAgree();
  });

  it('allocates waiting backorders from the returned goods, and refuses a return to an unknown bin writing nothing', async () => {
    await stock(gizmo.itemId, main, '2', '3.00');
    const first = await customer();
    const order = await confirmedOrder(first, [{ sku: 'GIZMO', qty: '2' }]);
    await pick(order, main);
    const { shipmentId } = await packedShipment(order, main);
    const invoiceId = (await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 0 })).json().invoice.invoiceId as string;
    const second = await customer();
    const waiting = await confirmedOrder(second, [{ sku: 'GIZMO', qty: '1' }]);
    expect(waiting.lines[0]!.reservations).toEqual([]);

    const events = async () => Number((await admin().query(`select count(*) from outbox_events where tenant_id = $1`, [tenant.tenantId])).rows[0].count);
    const eventsBefore = await events();
    const unknownBin = await post('/v1/credit-memos', { invoiceId, reason: 'Returned', lines: [{ invoiceLineNumber: 1, qty: '1' }], returnToStock: { binId: '01932d6e-8a4b-7c1e-9f00-3b5e2a7d1c44' } });
    expect(unknownBin.statusCode).toBe(404);
    expect(unknownBin.json().code).toBe('BIN_NOT_FOUND');
    expect(await events()).toBe(eventsBefore);

    const returned = await post('/v1/credit-memos', { invoiceId, reason: 'Returned', lines: [{ invoiceLineNumber: 1, qty: '1' }], returnToStock: {} });
    expect(returned.statusCode, returned.body).toBe(201);
    const after = await getJson(`/v1/sales-orders/${waiting.orderId}`);
    expect(after.lines[0]).toMatchObject({ qtyAllocated: '1', qtyBackordered: '0' });
    await expectBooksAgree();
  });
});
