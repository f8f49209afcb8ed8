/**
 * QA of issue #5: state abuse, idempotency and races across modules over HTTP — what the module tests do not
 * already cover (pick confirmations racing, payment racing a void, a period closing under shipments in flight,
 * packing into shipped cartons, reversing a reversal). Each race runs on real parallel connections.
 */
import { describe, expect, it } from 'vitest';
import { bearer, createTestKey } from './support/tenants.ts';
import { newId } from '../src/platform/ids.ts';
import {
  admin,
  app,
  auth,
  confirmedOrder,
  customer,
  expectBooksAgree,
  main,
  packedShipment,
  pick,
  post,
  stock,
  storageBins,
  tenant,
  testDb,
  useShippingApi,
  widget,
} from '../src/modules/shipping/shipping.fixtures.ts';

useShippingApi();

const idem = () => ({ 'idempotency-key': newId() });

async function binOnHand(binId: string): Promise<string> {
  const { rows } = await admin().query(`select coalesce(sum(on_hand), 0)::text as q from bin_balances where tenant_id = $1 and bin_id = $2 and item_id = $3`, [tenant.tenantId, binId, widget.itemId]);
  return rows[0].q;
}

async function shippedInvoice(qty = '2') {
  const c = await customer();
  await stock(widget.itemId, main, qty, '14.00');
  const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty }]);
  await pick(order, main);
  const { shipmentId, cartonId } = await packedShipment(order, main);
  const confirmed = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', freightMinor: 0 });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { c, order, shipmentId, cartonId, invoiceId: confirmed.json().invoice.invoiceId as string, totalMinor: confirmed.json().invoice.totalMinor as number };
}

async function verifyBooksOk(): Promise<void> {
  const response = await app.inject({ method: 'GET', url: '/v1/books/verify', headers: auth() });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.body).not.toMatch(/"ok":\s*false/);
  await expectBooksAgree();
}

describe('state abuse', () => {
  it('two associates confirming the same unassigned task at once: one pick, one 409, the stock moves once', async () => {
    const c = await customer();
    await stock(widget.itemId, main, '4', '14.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '4' }]);
    const wave = await post('/v1/waves', { warehouseId: main, orderIds: [order.orderId] }, idem());
    expect(wave.statusCode, wave.body).toBe(201);
    const task = wave.json().tasks[0];
    const binBefore = await binOnHand(storageBins.get(main)!);
    const [a, b] = await Promise.all([createTestKey(testDb().db, tenant.tenantId, ['warehouse:pick']), createTestKey(testDb().db, tenant.tenantId, ['warehouse:pick'])]);
    const results = await Promise.all([a, b].map((key) => app.inject({ method: 'POST', url: `/v1/pick-tasks/${task.taskId}/confirm`, headers: { ...bearer(key), ...idem() }, payload: { binScan: 'a-01', itemScan: '4006381333931', qty: task.qtyToPick } })));
    expect(results.map((r) => r.statusCode).sort(), results.map((r) => r.body).join('\n')).toEqual([200, 409]);
    expect(['PICK_TASK_NOT_OPEN', 'PICK_TASK_ASSIGNED_TO_OTHER']).toContain(results.find((r) => r.statusCode === 409)!.json().code);
    expect(Number(await binOnHand(storageBins.get(main)!))).toBe(Number(binBefore) - Number(task.qtyToPick));
    // Confirming it once more, and packing more than was picked, are refused.
    const again = await post(`/v1/pick-tasks/${task.taskId}/confirm`, { binScan: 'A-01', itemScan: 'WIDGET', qty: '1' }, idem());
    expect(again.json().code).toBe('PICK_TASK_NOT_OPEN');
    const shipment = await post('/v1/shipments', { orderId: order.orderId, warehouseId: main }, idem());
    const carton = await post(`/v1/shipments/${shipment.json().shipmentId}/cartons`, {}, idem());
    const over = await post(`/v1/cartons/${carton.json().cartonId}/lines`, { lineId: order.lines[0]!.lineId, qty: String(Number(task.qtyToPick) + 1) });
    expect(over.json().code, over.body).toBe('PACK_EXCEEDS_PICKED');
    await verifyBooksOk();
  });

  it('a shipped carton takes no more goods, a cancelled shipment does not confirm, another order\'s line is not packed', async () => {
    const first = await shippedInvoice('1');
    const before = await admin().query(`select count(*)::int as n from carton_lines where tenant_id = $1`, [tenant.tenantId]);
    const packShipped = await post(`/v1/cartons/${first.cartonId}/lines`, { lineId: first.order.lines[0]!.lineId, qty: '1' });
    expect(packShipped.statusCode, packShipped.body).toBe(409);
    expect(packShipped.json().code).toBe('SHIPMENT_NOT_OPEN');
    const unpackShipped = await app.inject({ method: 'DELETE', url: `/v1/cartons/${first.cartonId}/lines/${first.order.lines[0]!.lineId}`, headers: auth() });
    expect(unpackShipped.json().code, unpackShipped.body).toBe('SHIPMENT_NOT_OPEN');
    const cancelShipped = await post(`/v1/shipments/${first.shipmentId}/cancel`, {}, idem());
    expect(cancelShipped.json().code, cancelShipped.body).toBe('SHIPMENT_NOT_OPEN');

    const c = await customer();
    await stock(widget.itemId, main, '1', '14.00');
    const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '1' }]);
    await pick(order, main);
    const { shipmentId, cartonId } = await packedShipment(order, main);
    const foreignLine = await post(`/v1/cartons/${cartonId}/lines`, { lineId: first.order.lines[0]!.lineId, qty: '1' });
    expect(foreignLine.json().code, foreignLine.body).toBe('ITEM_NOT_ON_ORDER');
    expect((await post(`/v1/shipments/${shipmentId}/cancel`, {}, idem())).statusCode).toBe(200);
    const confirmCancelled = await post(`/v1/shipments/${shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND' }, idem());
    expect(confirmCancelled.json().code, confirmCancelled.body).toBe('SHIPMENT_NOT_OPEN');
    const after = await admin().query(`select count(*)::int as n from carton_lines where tenant_id = $1`, [tenant.tenantId]);
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
    await verifyBooksOk();
  });

  it('a voided invoice takes no payment and no credit memo; a paid invoice does not void; credit beyond invoiced is refused', async () => {
    const voided = await shippedInvoice('1');
    expect((await post(`/v1/invoices/${voided.invoiceId}/void`, { reason: 'wrong customer' }, idem())).statusCode).toBe(200);
    const voidAgain = await post(`/v1/invoices/${voided.invoiceId}/void`, { reason: 'again' }, idem());
    expect(voidAgain.json().code).toBe('INVOICE_VOIDED');
    const { rows } = await admin().query(`select invoice_number from invoices where tenant_id = $1 and invoice_id = $2`, [tenant.tenantId, voided.invoiceId]);
    const payVoided = await post('/v1/payments', { customerId: voided.c.customerId, amountMinor: 100, method: 'check', applications: [{ documentNumber: rows[0].invoice_number, amountMinor: 100 }] }, idem());
    expect(['INVOICE_VOIDED', 'APPLICATION_EXCEEDS_OPEN'], payVoided.body).toContain(payVoided.json().code);
    const creditVoided = await post('/v1/credit-memos', { invoiceId: voided.invoiceId, reason: 'x', lines: [{ invoiceLineNumber: 1, qty: '1' }] }, idem());
    expect(creditVoided.json().code, creditVoided.body).toBe('INVOICE_VOIDED');

    const paid = await shippedInvoice('1');
    const payment = await post('/v1/payments', { customerId: paid.c.customerId, amountMinor: paid.totalMinor, method: 'check', applications: [{ openItemId: await openItemOf(paid.invoiceId), amountMinor: paid.totalMinor }] }, idem());
    expect(payment.statusCode, payment.body).toBe(201);
    const voidPaid = await post(`/v1/invoices/${paid.invoiceId}/void`, { reason: 'too late' }, idem());
    expect(voidPaid.json().code, voidPaid.body).toBe('INVOICE_NOT_VOIDABLE');
    const overpay = await post('/v1/payments', { customerId: paid.c.customerId, amountMinor: 1, method: 'check', applications: [{ openItemId: await openItemOf(paid.invoiceId), amountMinor: 1 }] }, idem());
    expect(overpay.json().code, overpay.body).toBe('APPLICATION_EXCEEDS_OPEN');
    const overCredit = await post('/v1/credit-memos', { invoiceId: paid.invoiceId, reason: 'x', lines: [{ invoiceLineNumber: 1, qty: '2' }] }, idem());
    expect(overCredit.statusCode, overCredit.body).toBe(422);
    await verifyBooksOk();
  });

  it('DEFECT: a reversal could be reversed (a chain of reversals) — now JOURNAL_ENTRY_NOT_REVERSIBLE; nor the original twice', async () => {
    const entry = await post('/v1/journal-entries', { description: 'accrual', lines: [{ accountCode: '1000', debitMinor: 5 }, { accountCode: '3000', creditMinor: 5 }] }, idem());
    const reversal = await post(`/v1/journal-entries/${entry.json().entryId}/reverse`, { reason: 'oops' }, idem());
    expect(reversal.statusCode, reversal.body).toBe(201);
    const reverseReversal = await post(`/v1/journal-entries/${reversal.json().entryId}/reverse`, { reason: 'undo the undo' }, idem());
    expect(reverseReversal.statusCode, reverseReversal.body).toBe(409);
    expect(reverseReversal.json().code).toBe('JOURNAL_ENTRY_NOT_REVERSIBLE');
    const { rows } = await admin().query(`select count(*)::int as n from journal_entries where tenant_id = $1 and reverses_entry_id = $2`, [tenant.tenantId, reversal.json().entryId]);
    expect(rows[0].n).toBe(0);
    const twice = await post(`/v1/journal-entries/${entry.json().entryId}/reverse`, { reason: 'again' }, idem());
    expect(twice.json().code).toBe('JOURNAL_ENTRY_ALREADY_REVERSED');
    await verifyBooksOk();
  });

  it('an Idempotency-Key replays the same body and refuses a different one, on payments, waves and confirmations', async () => {
    const { c } = await shippedInvoice('1');
    const key = newId();
    const first = await post('/v1/payments', { customerId: c.customerId, amountMinor: 7, method: 'check' }, { 'idempotency-key': key });
    const replay = await post('/v1/payments', { customerId: c.customerId, amountMinor: 7, method: 'check' }, { 'idempotency-key': key });
    expect(replay.statusCode).toBe(first.statusCode);
    expect(replay.json()).toEqual(first.json());
    const different = await post('/v1/payments', { customerId: c.customerId, amountMinor: 8, method: 'check' }, { 'idempotency-key': key });
    expect(different.json().code, different.body).toBe('IDEMPOTENCY_KEY_REUSED');
    const { rows } = await admin().query(`select count(*)::int as n from customer_payments where tenant_id = $1 and customer_id = $2`, [tenant.tenantId, c.customerId]);
    expect(rows[0].n).toBe(1);
  });
});

async function openItemOf(invoiceId: string): Promise<string> {
  const { rows } = await admin().query(`select o.open_item_id from receivable_open_items o join invoices i on i.tenant_id = o.tenant_id and i.invoice_number = o.document_number where o.tenant_id = $1 and o.document_type = 'invoice' and i.invoice_id = $2`, [tenant.tenantId, invoiceId]);
  return rows[0].open_item_id;
}

describe('races across modules', () => {
  it('a payment and a void of one invoice at once: exactly one wins, the books agree', async () => {
    for (let round = 0; round < 4; round++) {
      const inv = await shippedInvoice('1');
      const openItemId = await openItemOf(inv.invoiceId);
      const [payment, voided] = await Promise.all([
        post('/v1/payments', { customerId: inv.c.customerId, amountMinor: inv.totalMinor, method: 'wire', applications: [{ openItemId, amountMinor: inv.totalMinor }] }, idem()),
        post(`/v1/invoices/${inv.invoiceId}/void`, { reason: 'race' }, idem()),
      ]);
      const outcome = [payment.statusCode, voided.statusCode];
      expect([[201, 409], [422, 200], [409, 200]], `${payment.body}\n${voided.body}`).toContainEqual(outcome);
      if (payment.statusCode !== 201) expect(['INVOICE_VOIDED', 'APPLICATION_EXCEEDS_OPEN']).toContain(payment.json().code);
      else expect(voided.json().code).toBe('INVOICE_NOT_VOIDABLE');
      await verifyBooksOk();
    }
  });

  it('closing the period while shipments confirm: each shipment is either in before the close or refused whole', async () => {
    const shipments: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await customer();
      await stock(widget.itemId, main, '1', '14.00');
      const order = await confirmedOrder(c, [{ sku: 'WIDGET', qty: '1' }]);
      await pick(order, main);
      shipments.push((await packedShipment(order, main)).shipmentId);
    }
    const [close, ...confirmations] = await Promise.all([
      post('/v1/periods/2026-12/close', {}),
      ...shipments.map((id) => post(`/v1/shipments/${id}/confirm`, { carrier: 'UPS', service: 'GROUND' }, idem())),
    ]);
    expect(close!.statusCode, close!.body).toBe(200);
    for (const [i, response] of confirmations.entries()) {
      const { rows } = await admin().query(`select status from shipments where tenant_id = $1 and shipment_id = $2`, [tenant.tenantId, shipments[i]]);
      if (response.statusCode === 200) expect(rows[0].status).toBe('shipped');
      else {
        expect(response.json().code, response.body).toBe('PERIOD_CLOSED');
        expect(rows[0].status).toBe('open');
        const invoices = await admin().query(`select count(*)::int as n from invoices i join shipments s using (tenant_id, shipment_id) where s.tenant_id = $1 and s.shipment_id = $2`, [tenant.tenantId, shipments[i]]);
        expect(invoices.rows[0].n).toBe(0);
      }
    }
    const closeAgain = await post('/v1/periods/2026-12/close', {});
    expect(closeAgain.json().code).toBe('PERIOD_ALREADY_CLOSED');
    const manual = await post('/v1/journal-entries', { entryDate: '2026-12-02', description: 'late', lines: [{ accountCode: '1000', debitMinor: 5 }, { accountCode: '3000', creditMinor: 5 }] }, idem());
    expect(manual.json().code, manual.body).toBe('PERIOD_CLOSED');
    await verifyBooksOk();
    expect((await post('/v1/periods/2026-12/reopen', {})).statusCode).toBe(200);
  });
});
