/** Supplier invoices matched three ways: the table of cases with their journal lines to the cent, holds, approval, rematch, rejection, refusals. */
import { describe, expect, it } from 'vitest';
import { bearer, createTestKey } from '../../../test/support/tenants.ts';
import {
  admin,
  app,
  auth,
  booksAgree,
  createPo,
  enterInvoice,
  enterInvoiceOk,
  entryLines,
  glBalance,
  payablesApproverKey,
  payablesState,
  post,
  receive,
  receivedPo,
  setMatchTolerances,
  supplier,
  supplierNumber,
  tenant,
  testDb,
  useWarehouseApi,
} from './payables.fixtures.ts';

useWarehouseApi();

type Lines = Array<{ account: string; debit: number; credit: number }>;

interface MatchCase {
  name: string;
  ordered: string;
  received: string;
  invoiced: string;
  unitPrice: string;
  freightMinor?: number;
  status: 'posted' | 'held';
  holds?: Array<{ code: string; amountMinor?: number; qty?: string }>;
  lines?: Lines;
}

// PO line: unit cost 5.00. Tenant defaults: price tolerance 2 %, quantity tolerance 0 %.
const cases: MatchCase[] = [
  { name: 'exact: 10 received, 10 billed at the PO price', ordered: '10', received: '10', invoiced: '10', unitPrice: '5.00', status: 'posted', lines: [{ account: 'grni', debit: 5000, credit: 0 }, { account: 'accounts_payable', debit: 0, credit: 5000 }] },
  {
    name: 'quantity short: 6 of 10 received, the 6 billed',
    ordered: '10',
    received: '6',
    invoiced: '6',
    unitPrice: '5',
    status: 'posted',
    lines: [{ account: 'grni', debit: 3000, credit: 0 }, { account: 'accounts_payable', debit: 0, credit: 3000 }],
  },
  {
    name: 'invoice short: 10 received, 4 billed (6 stay in GRNI)',
    ordered: '10',
    received: '10',
    invoiced: '4',
    unitPrice: '5',
    status: 'posted',
    lines: [{ account: 'grni', debit: 2000, credit: 0 }, { account: 'accounts_payable', debit: 0, credit: 2000 }],
  },
  {
    name: 'price up within tolerance (5.10 = +2 %), with freight',
    ordered: '10',
    received: '10',
    invoiced: '10',
    unitPrice: '5.10',
    freightMinor: 1500,
    status: 'posted',
    lines: [
      { account: 'grni', debit: 5000, credit: 0 },
      { account: 'purchase_price_variance', debit: 100, credit: 0 },
      { account: 'freight_expense', debit: 1500, credit: 0 },
      { account: 'accounts_payable', debit: 0, credit: 6600 },
    ],
  },
  {
    name: 'price down within tolerance (4.95): PPV is a credit',
    ordered: '10',
    received: '10',
    invoiced: '10',
    unitPrice: '4.95',
    status: 'posted',
    lines: [
      { account: 'grni', debit: 5000, credit: 0 },
      { account: 'purchase_price_variance', debit: 0, credit: 50 },
      { account: 'accounts_payable', debit: 0, credit: 4950 },
    ],
  },
  { name: 'price up beyond tolerance (5.20 = +4 %) → held', ordered: '10', received: '10', invoiced: '10', unitPrice: '5.20', status: 'held', holds: [{ code: 'PRICE_VARIANCE_ABOVE_TOLERANCE', amountMinor: 200 }] },
  { name: 'price down beyond tolerance (4.80) → held', ordered: '10', received: '10', invoiced: '10', unitPrice: '4.80', status: 'held', holds: [{ code: 'PRICE_VARIANCE_ABOVE_TOLERANCE', amountMinor: -200 }] },
  { name: 'more billed than received (10 of 6) → held', ordered: '10', received: '6', invoiced: '10', unitPrice: '5', status: 'held', holds: [{ code: 'QTY_EXCEEDS_RECEIVED', qty: '4' }] },
  { name: 'invoice before receipt → held', ordered: '10', received: '0', invoiced: '10', unitPrice: '5', status: 'held', holds: [{ code: 'NOT_RECEIVED', qty: '10' }] },
];

describe('three-way match at entry', () => {
  it.each(cases)('$name', async (c) => {
    const po = await receivedPo([{ qty: c.ordered, unitCost: '5.00', received: c.received }]);
    const apBefore = await glBalance('accounts_payable');
    const grniBefore = await glBalance('grni');
    const invoice = await enterInvoiceOk({
      supplierId: po.supplierId,
      ...(c.freightMinor ? { freightMinor: c.freightMinor } : {}),
      lines: [{ poNumber: po.poNumber, lineNumber: 1, qty: c.invoiced, unitPrice: c.unitPrice }],
    });
    expect(invoice).toMatchObject({ invoiceNumber: expect.stringMatching(/^SINV-\d+$/), status: c.status, supplierId: po.supplierId, dueDate: '2026-12-31' });
    if (c.status === 'posted') {
      expect(await entryLines(invoice.journalEntryId)).toEqual(c.lines);
      const apCredit = c.lines!.find((line) => line.account === 'accounts_payable')!.credit;
      expect(invoice.openMinor).toBe(apCredit);
      expect(await glBalance('accounts_payable')).toBe(apBefore - apCredit);
      expect(await glBalance('grni')).toBe(grniBefore + c.lines!.find((line) => line.account === 'grni')!.debit);
      expect(invoice.lines[0].holds).toEqual([]);
    } else {
      expect(invoice.journalEntryId).toBeNull();
      expect(invoice.openMinor).toBeNull();
      expect(invoice.lines[0].holds).toMatchObject(c.holds!);
      expect(await glBalance('accounts_payable')).toBe(apBefore);
      expect(await glBalance('grni')).toBe(grniBefore);
      const events = await admin().query(`select event_type from outbox_events where tenant_id = $1 and aggregate_id = $2`, [tenant.tenantId, invoice.supplierInvoiceId]);
      expect(events.rows.map((row: { event_type: string }) => row.event_type)).toEqual(['supplier_invoice.held']);
    }
    await booksAgree();
  });

  it('an invoice held before the receipt posts on rematch once the goods are received', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '0' }]);
    const held = await enterInvoiceOk({ supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, sku: po.items[0]!.sku, qty: '10', unitPrice: '5' }] });
    expect(held.status).toBe('held');
    // Still nothing received: the rematch keeps it held.
    const still = await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/rematch`, {});
    expect(still.statusCode, still.body).toBe(200);
    expect(still.json()).toMatchObject({ status: 'held', lines: [{ holds: [{ code: 'NOT_RECEIVED' }] }] });
    expect((await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: po.items[0]!.sku, qty: '10' }] })).statusCode).toBe(201);
    const rematched = await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/rematch`, {});
    expect(rematched.statusCode, rematched.body).toBe(200);
    expect(rematched.json()).toMatchObject({ status: 'posted', openMinor: 5000, lines: [{ holds: [], grniClearedMinor: 5000, ppvMinor: 0 }] });
    expect(await entryLines(rematched.json().journalEntryId)).toEqual([{ account: 'grni', debit: 5000, credit: 0 }, { account: 'accounts_payable', debit: 0, credit: 5000 }]);
    expect((await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/rematch`, {})).json().code).toBe('SUPPLIER_INVOICE_NOT_HELD');
    await booksAgree();
  });

  it('clears exactly the GRNI left on a line once everything received is billed: no rounding pennies stay behind', async () => {
    // Three receipts of 1 @ 0.333333 post 0.33 each (0.99 in GRNI). Billing 2 clears 0.67 (2 × cost);
    // billing the last 1 clears what is left, 0.32, and the penny of rounding goes to PPV.
    const po = await receivedPo([{ qty: '3', unitCost: '0.333333', received: '1' }]);
    for (let i = 0; i < 2; i++) expect((await receive({ purchaseOrderId: po.purchaseOrderId, lines: [{ scan: po.items[0]!.sku, qty: '1' }] })).statusCode).toBe(201);
    const first = await enterInvoiceOk({ supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '2', unitPrice: '0.333333' }] });
    expect(await entryLines(first.journalEntryId)).toEqual([{ account: 'grni', debit: 67, credit: 0 }, { account: 'accounts_payable', debit: 0, credit: 67 }]);
    const last = await enterInvoiceOk({ supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, poLineId: po.lines[0]!.lineId, qty: '1', unitPrice: '0.333333' }] });
    expect(await entryLines(last.journalEntryId)).toEqual([
      { account: 'grni', debit: 32, credit: 0 },
      { account: 'purchase_price_variance', debit: 1, credit: 0 },
      { account: 'accounts_payable', debit: 0, credit: 33 },
    ]);
    const { rows } = await admin().query(
      `select (select sum(value_minor) from receipt_lines where tenant_id = $1 and po_id = $2)::int - (select sum(grni_cleared_minor) from supplier_invoice_lines where tenant_id = $1 and po_id = $2)::int as left`,
      [tenant.tenantId, po.purchaseOrderId],
    );
    expect(rows[0].left).toBe(0);
    await booksAgree();
  });

  it('bills lines of several POs of one supplier on one invoice, with the tenant tolerances read from settings', async () => {
    const s = await supplier();
    const one = await receivedPo([{ qty: '4', unitCost: '10', received: '4' }], s);
    const two = await receivedPo([{ qty: '2', unitCost: '7.50', received: '2' }], s);
    await setMatchTolerances({ priceTolerancePercent: 5 });
    try {
      // +4 % on the first line: held under the default 2 %, within the tenant's 5 %.
      const invoice = await enterInvoiceOk({
        supplierId: s,
        lines: [
          { purchaseOrderId: two.purchaseOrderId, itemId: two.items[0]!.itemId, qty: '2', unitPrice: '7.50' },
          { poNumber: one.poNumber.toLowerCase(), lineNumber: 1, qty: '4', unitPrice: '10.40' },
        ],
      });
      expect(invoice.status).toBe('posted');
      expect(await entryLines(invoice.journalEntryId)).toEqual([
        { account: 'grni', debit: 5500, credit: 0 },
        { account: 'purchase_price_variance', debit: 160, credit: 0 },
        { account: 'accounts_payable', debit: 0, credit: 5660 },
      ]);
    } finally {
      await setMatchTolerances(null);
    }
    await booksAgree();
  });
});

describe('approval and rejection of held invoices', () => {
  it('approving a held price variance posts it to PPV, audited with the holds released; the creator-free approver needs payables:approve', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '10' }]);
    const held = await enterInvoiceOk({ supplierId: po.supplierId, freightMinor: 900, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '10', unitPrice: '5.20' }] });
    expect(held.status).toBe('held');
    const approver = await payablesApproverKey();
    // Rematch needs payables:write, which the approver key lacks; the admin's rematch keeps it held.
    expect((await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/rematch`, {}, approver)).statusCode).toBe(403);
    expect((await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/rematch`, {})).json().status).toBe('held');
    const approved = await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/approve`, {}, approver);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'posted', approvedBy: expect.stringContaining('api_key:'), openMinor: 6100, lines: [{ grniClearedMinor: 5000, ppvMinor: 200 }] });
    expect(await entryLines(approved.json().journalEntryId)).toEqual([
      { account: 'grni', debit: 5000, credit: 0 },
      { account: 'purchase_price_variance', debit: 200, credit: 0 },
      { account: 'freight_expense', debit: 900, credit: 0 },
      { account: 'accounts_payable', debit: 0, credit: 6100 },
    ]);
    const audit = await admin().query(`select changes from audit_log where tenant_id = $1 and entity_id = $2 and action = 'supplier_invoice.approve'`, [tenant.tenantId, held.supplierInvoiceId]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].changes.holdsReleased.new).toMatchObject([{ lineNumber: 1, code: 'PRICE_VARIANCE_ABOVE_TOLERANCE', amountMinor: 200 }]);
    expect((await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/approve`, {}, approver)).json().code).toBe('SUPPLIER_INVOICE_NOT_HELD');
    await booksAgree();
  });

  it('refuses to approve goods not received (409, nothing written) and rejects with a reason, freeing the supplier number', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '0' }]);
    const number = supplierNumber();
    const held = await enterInvoiceOk({ supplierId: po.supplierId, supplierInvoiceNumber: number, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '10', unitPrice: '5.50' }] });
    expect(held.lines[0].holds.map((hold: { code: string }) => hold.code)).toEqual(['NOT_RECEIVED', 'PRICE_VARIANCE_ABOVE_TOLERANCE']);
    const before = await payablesState();
    const refused = await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/approve`, {}, await payablesApproverKey());
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('SUPPLIER_INVOICE_QTY_NOT_RECEIVED');
    expect(await payablesState()).toEqual(before);

    expect((await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/reject`, { reason: ' ' })).json().code).toBe('VALIDATION_FAILED');
    const rejected = await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/reject`, { reason: 'Goods never shipped' }, await payablesApproverKey());
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectReason: 'Goods never shipped', journalEntryId: null });
    expect((await post(`/v1/supplier-invoices/${held.supplierInvoiceId}/reject`, { reason: 'again' })).json().code).toBe('SUPPLIER_INVOICE_NOT_HELD');
    // The supplier re-issues the same number (any case): accepted.
    expect((await enterInvoice({ supplierId: po.supplierId, supplierInvoiceNumber: number.toLowerCase(), lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '1', unitPrice: '5' }] })).statusCode).toBe(201);
    await booksAgree();
  });
});

describe('refusals', () => {
  it('refuses bad invoices with stable codes and writes nothing', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '10' }]);
    const other = await receivedPo([{ qty: '1', unitCost: '5', received: '1' }]);
    const draft = await createPo({ supplierId: po.supplierId, warehouseId: po.warehouseId, lines: [{ itemId: po.items[0]!.itemId, qty: '1', unitCost: '5' }] });
    const taken = supplierNumber();
    await enterInvoiceOk({ supplierId: po.supplierId, supplierInvoiceNumber: taken, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '1', unitPrice: '5' }] });
    const line = (extra: Record<string, unknown>) => ({ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '1', unitPrice: '5', ...extra });
    const before = await payablesState();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ lines: [line({ purchaseOrderId: crypto.randomUUID() })] }, 404, 'PURCHASE_ORDER_NOT_FOUND'],
      [{ lines: [{ poNumber: 'PO-999999', lineNumber: 1, qty: '1', unitPrice: '5' }] }, 404, 'PURCHASE_ORDER_NOT_FOUND'],
      [{ lines: [line({}), line({ purchaseOrderId: other.purchaseOrderId })] }, 422, 'SUPPLIER_INVOICE_PO_OF_OTHER_SUPPLIER'],
      [{ supplierInvoiceNumber: taken.toUpperCase().replace('INV', 'inv'), lines: [line({})] }, 409, 'SUPPLIER_INVOICE_DUPLICATE'],
      [{ lines: [line({ qty: '-1' })] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [line({ qty: '0' })] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [line({ unitPrice: '-5' })] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [line({}), line({ purchaseOrderId: draft.purchaseOrderId })] }, 409, 'SUPPLIER_INVOICE_PO_NOT_INVOICEABLE'],
      [{ lines: [line({ lineNumber: 9 })] }, 422, 'SUPPLIER_INVOICE_LINE_NOT_ON_ORDER'],
      [{ lines: [line({ lineNumber: undefined, sku: 'NO-SUCH-SKU' })] }, 422, 'SUPPLIER_INVOICE_LINE_NOT_ON_ORDER'],
      [{ lines: [{ lineNumber: 1, qty: '1', unitPrice: '5' }] }, 400, 'VALIDATION_FAILED'],
      [{ invoiceDate: '2027-01-01', lines: [line({})] }, 400, 'VALIDATION_FAILED'],
      [{ dueDate: '2026-11-01', lines: [line({})] }, 400, 'VALIDATION_FAILED'],
      [{ freightMinor: -1, lines: [line({})] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [line({ unitPrice: '0' })] }, 400, 'VALIDATION_FAILED'],
      [{ supplierId: crypto.randomUUID(), lines: [line({})] }, 404, 'SUPPLIER_NOT_FOUND'],
    ];
    for (const [body, status, code] of cases) {
      const response = await enterInvoice({ supplierId: po.supplierId, ...body });
      expect(response.statusCode, `${JSON.stringify(body)} → ${response.body}`).toBe(status);
      expect(response.json().code, JSON.stringify(body)).toBe(code);
    }
    expect(await payablesState()).toEqual(before);
    const unknown = await app.inject({ method: 'GET', url: `/v1/supplier-invoices/${crypto.randomUUID()}`, headers: auth() });
    expect(unknown.json().code).toBe('SUPPLIER_INVOICE_NOT_FOUND');
  });

  it('replays a retried entry with the same Idempotency-Key: one invoice, one entry', async () => {
    const po = await receivedPo([{ qty: '2', unitCost: '5', received: '2' }]);
    const body = { supplierId: po.supplierId, supplierInvoiceNumber: supplierNumber(), invoiceDate: '2026-12-01', lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '2', unitPrice: '5' }] };
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const first = await post('/v1/supplier-invoices', body, tenant.adminKey, headers);
    expect(first.statusCode, first.body).toBe(201);
    const before = await payablesState();
    const again = await post('/v1/supplier-invoices', body, tenant.adminKey, headers);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().supplierInvoiceId).toBe(first.json().supplierInvoiceId);
    expect(await payablesState()).toEqual(before);
  });

  it('lists invoices by status and supplier with keyset pages, and reads one with its match result', async () => {
    const po = await receivedPo([{ qty: '10', unitCost: '5', received: '10' }]);
    const posted = await enterInvoiceOk({ supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '5', unitPrice: '5' }] });
    const held = await enterInvoiceOk({ supplierId: po.supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '5', unitPrice: '9' }] });
    const page1 = await app.inject({ method: 'GET', url: `/v1/supplier-invoices?supplierId=${po.supplierId}&limit=1`, headers: auth() });
    expect(page1.statusCode, page1.body).toBe(200);
    expect(page1.json().data.map((i: { supplierInvoiceId: string }) => i.supplierInvoiceId)).toEqual([posted.supplierInvoiceId]);
    const page2 = await app.inject({ method: 'GET', url: `/v1/supplier-invoices?supplierId=${po.supplierId}&limit=1&cursor=${page1.json().nextCursor}`, headers: auth() });
    expect(page2.json().data.map((i: { supplierInvoiceId: string }) => i.supplierInvoiceId)).toEqual([held.supplierInvoiceId]);
    const heldOnly = await app.inject({ method: 'GET', url: `/v1/supplier-invoices?supplierId=${po.supplierId}&status=held`, headers: auth() });
    expect(heldOnly.json().data).toHaveLength(1);
    const one = await app.inject({ method: 'GET', url: `/v1/supplier-invoices/${held.supplierInvoiceId}`, headers: auth() });
    expect(one.json()).toMatchObject({ status: 'held', lines: [{ qty: '5', unitPrice: '9', poUnitCost: '5', amountMinor: 4500, holds: [{ code: 'PRICE_VARIANCE_ABOVE_TOLERANCE', amountMinor: 2000 }] }] });
  });
});

describe('the payables API surface', () => {
  it('publishes the routes with their schemas and examples, and denies each action without its permission', async () => {
    const document = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/supplier-invoices',
        '/v1/supplier-invoices/{supplierInvoiceId}',
        '/v1/supplier-invoices/{supplierInvoiceId}/approve',
        '/v1/supplier-invoices/{supplierInvoiceId}/rematch',
        '/v1/supplier-invoices/{supplierInvoiceId}/reject',
        '/v1/supplier-payments',
        '/v1/supplier-payments/{supplierPaymentId}',
        '/v1/reports/ap-aging',
      ]),
    );
    for (const name of ['SupplierInvoice', 'SupplierInvoiceHeader', 'SupplierPayment', 'SupplierPaymentDetail', 'ApAgingReport']) {
      expect(document.components.schemas[name]?.examples?.length, name).toBeGreaterThan(0);
    }
    const po = await receivedPo([{ qty: '1', unitCost: '5', received: '1' }]);
    const reader = await createTestKey(testDb().db, tenant.tenantId, ['payables:read']);
    const body = { supplierId: po.supplierId, supplierInvoiceNumber: supplierNumber(), invoiceDate: '2026-12-01', lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '1', unitPrice: '5' }] };
    const before = await payablesState();
    expect((await post('/v1/supplier-invoices', body, reader)).statusCode).toBe(403);
    expect((await post('/v1/supplier-payments', { supplierId: po.supplierId, amountMinor: 1, applications: [{ supplierInvoiceId: crypto.randomUUID(), amountMinor: 1 }] }, reader)).statusCode).toBe(403);
    expect(await payablesState()).toEqual(before);
    expect((await app.inject({ method: 'GET', url: '/v1/reports/ap-aging', headers: bearer(reader) })).statusCode).toBe(200);
  });
});
