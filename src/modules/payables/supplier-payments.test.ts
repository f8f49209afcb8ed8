/** Supplier payments (partial, full, refusals, racing) and the AP aging, with the AP identity after each step. */
import { describe, expect, it } from 'vitest';
import { app, auth, booksAgree, enterInvoiceOk, entryLines, glBalance, payablesState, post, receivedPo, supplier, useWarehouseApi } from './payables.fixtures.ts';

useWarehouseApi();

async function postedInvoice(supplierId: string, unitPrice: string, extra: Record<string, unknown> = {}) {
  const po = await receivedPo([{ qty: '10', unitCost: unitPrice, received: '10' }], supplierId);
  const invoice = await enterInvoiceOk({ supplierId, lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: '10', unitPrice }], ...extra });
  expect(invoice.status).toBe('posted');
  return invoice;
}

const pay = (body: Record<string, unknown>, key?: string) => post('/v1/supplier-payments', body, key);

describe('supplier payments', () => {
  it('pays an invoice in part and then in full: Dr AP / Cr cash, the open item falls to 0, AP = Σ open items throughout', async () => {
    const s = await supplier();
    const invoice = await postedInvoice(s, '5');
    const apBefore = await glBalance('accounts_payable');
    const cashBefore = await glBalance('cash');

    const partial = await pay({ supplierId: s, amountMinor: 2000, reference: 'ACH 1', applications: [{ supplierInvoiceId: invoice.supplierInvoiceId, amountMinor: 2000 }] });
    expect(partial.statusCode, partial.body).toBe(201);
    expect(partial.json()).toMatchObject({ paymentNumber: expect.stringMatching(/^SPAY-\d+$/), amountMinor: 2000, paymentDate: '2026-12-03', applications: [{ supplierInvoiceId: invoice.supplierInvoiceId, amountMinor: 2000, invoiceOpenMinor: 3000 }] });
    expect(await entryLines(partial.json().journalEntryId)).toEqual([{ account: 'accounts_payable', debit: 2000, credit: 0 }, { account: 'cash', debit: 0, credit: 2000 }]);
    const read = await app.inject({ method: 'GET', url: `/v1/supplier-invoices/${invoice.supplierInvoiceId}`, headers: auth() });
    expect(read.json().openMinor).toBe(3000);
    const books = await booksAgree();
    expect(books.accounts_payable!.left.value).toBe(books.accounts_payable!.right.value);

    const full = await pay({ supplierId: s, amountMinor: 3000, applications: [{ supplierInvoiceId: invoice.supplierInvoiceId, amountMinor: 3000 }] });
    expect(full.statusCode, full.body).toBe(201);
    expect(full.json().applications[0].invoiceOpenMinor).toBe(0);
    expect(await glBalance('accounts_payable')).toBe(apBefore + 5000);
    expect(await glBalance('cash')).toBe(cashBefore - 5000);
    const list = await app.inject({ method: 'GET', url: `/v1/supplier-payments?supplierId=${s}`, headers: auth() });
    expect(list.json().data.map((payment: { amountMinor: number }) => payment.amountMinor)).toEqual([2000, 3000]);
    const one = await app.inject({ method: 'GET', url: `/v1/supplier-payments/${partial.json().supplierPaymentId}`, headers: auth() });
    expect(one.statusCode).toBe(200);
    expect(one.json().applications).toHaveLength(1);
    await booksAgree();
  });

  it('pays two invoices at once and refuses bad payments with stable codes, writing nothing', async () => {
    const s = await supplier();
    const a = await postedInvoice(s, '5');
    const b = await postedInvoice(s, '3');
    const otherSupplier = await supplier();
    const foreign = await postedInvoice(otherSupplier, '1');
    const heldPo = await receivedPo([{ qty: '1', unitCost: '1', received: '0' }], s);
    const held = await enterInvoiceOk({ supplierId: s, lines: [{ purchaseOrderId: heldPo.purchaseOrderId, lineNumber: 1, qty: '1', unitPrice: '1' }] });
    expect(held.status).toBe('held');
    const before = await payablesState();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ amountMinor: 5001, applications: [{ supplierInvoiceId: a.supplierInvoiceId, amountMinor: 5001 }] }, 422, 'SUPPLIER_PAYMENT_OVER_APPLIED'],
      [{ amountMinor: 8001, applications: [{ supplierInvoiceId: a.supplierInvoiceId, amountMinor: 5000 }, { supplierInvoiceId: b.supplierInvoiceId, amountMinor: 3001 }] }, 422, 'SUPPLIER_PAYMENT_OVER_APPLIED'],
      [{ amountMinor: 5000, applications: [{ supplierInvoiceId: a.supplierInvoiceId, amountMinor: 4000 }] }, 422, 'SUPPLIER_PAYMENT_NOT_FULLY_APPLIED'],
      [{ amountMinor: 100, applications: [{ supplierInvoiceId: foreign.supplierInvoiceId, amountMinor: 100 }] }, 422, 'SUPPLIER_PAYMENT_INVOICE_OF_OTHER_SUPPLIER'],
      [{ amountMinor: 100, applications: [{ supplierInvoiceId: held.supplierInvoiceId, amountMinor: 100 }] }, 409, 'SUPPLIER_PAYMENT_INVOICE_NOT_OPEN'],
      [{ amountMinor: 100, applications: [{ supplierInvoiceId: crypto.randomUUID(), amountMinor: 100 }] }, 404, 'SUPPLIER_INVOICE_NOT_FOUND'],
      [{ amountMinor: 200, applications: [{ supplierInvoiceId: a.supplierInvoiceId, amountMinor: 100 }, { supplierInvoiceId: a.supplierInvoiceId, amountMinor: 100 }] }, 400, 'VALIDATION_FAILED'],
      [{ amountMinor: 100, applications: [{ supplierInvoiceId: a.supplierInvoiceId, amountMinor: -100 }] }, 400, 'VALIDATION_FAILED'],
      [{ amountMinor: 0, applications: [{ supplierInvoiceId: a.supplierInvoiceId, amountMinor: 0 }] }, 400, 'VALIDATION_FAILED'],
      [{ amountMinor: 100, paymentDate: '2027-01-01', applications: [{ supplierInvoiceId: a.supplierInvoiceId, amountMinor: 100 }] }, 400, 'VALIDATION_FAILED'],
      [{ supplierId: crypto.randomUUID(), amountMinor: 100, applications: [{ supplierInvoiceId: a.supplierInvoiceId, amountMinor: 100 }] }, 404, 'SUPPLIER_NOT_FOUND'],
    ];
    for (const [body, status, code] of cases) {
      const response = await pay({ supplierId: s, ...body });
      expect(response.statusCode, `${JSON.stringify(body)} → ${response.body}`).toBe(status);
      expect(response.json().code, JSON.stringify(body)).toBe(code);
    }
    expect(await payablesState()).toEqual(before);

    const both = await pay({ supplierId: s, amountMinor: 8000, applications: [{ supplierInvoiceId: b.supplierInvoiceId, amountMinor: 3000 }, { supplierInvoiceId: a.supplierInvoiceId, amountMinor: 5000 }] });
    expect(both.statusCode, both.body).toBe(201);
    expect(both.json().applications.map((x: { invoiceOpenMinor: number }) => x.invoiceOpenMinor)).toEqual([0, 0]);
    await booksAgree();
  });

  it('parallel payments of one invoice never over-apply it: the open items are locked before they are read', async () => {
    const s = await supplier();
    const invoice = await postedInvoice(s, '5');
    const responses = await Promise.all([0, 1, 2, 3].map(() => pay({ supplierId: s, amountMinor: 2000, applications: [{ supplierInvoiceId: invoice.supplierInvoiceId, amountMinor: 2000 }] })));
    const codes = responses.map((response) => (response.statusCode === 201 ? 'ok' : response.json().code)).sort();
    expect(codes).toEqual(['SUPPLIER_PAYMENT_OVER_APPLIED', 'SUPPLIER_PAYMENT_OVER_APPLIED', 'ok', 'ok']);
    const read = await app.inject({ method: 'GET', url: `/v1/supplier-invoices/${invoice.supplierInvoiceId}`, headers: auth() });
    expect(read.json().openMinor).toBe(1000);
    await booksAgree();
  });
});

describe('AP aging', () => {
  it('buckets what each supplier is owed by days past due on asOf, totals = Σ open items', async () => {
    const s = await supplier();
    // Due dates relative to asOf 2026-12-31: due that day (current), 10, 45, 75 and 120 days past due.
    const dues: Array<[string, string]> = [
      ['2026-12-01', '2026-12-31'],
      ['2026-11-20', '2026-12-21'],
      ['2026-10-01', '2026-11-16'],
      ['2026-09-01', '2026-10-17'],
      ['2026-08-01', '2026-09-02'],
    ];
    const invoices = [];
    for (const [invoiceDate, dueDate] of dues) invoices.push(await postedInvoice(s, '1', { invoiceDate, dueDate }));
    // A part payment of the 45-day one: only its open amount is aged.
    expect((await pay({ supplierId: s, amountMinor: 400, applications: [{ supplierInvoiceId: invoices[2]!.supplierInvoiceId, amountMinor: 400 }] })).statusCode).toBe(201);
    const response = await app.inject({ method: 'GET', url: `/v1/reports/ap-aging?asOf=2026-12-31&supplierId=${s}`, headers: auth() });
    expect(response.statusCode, response.body).toBe(200);
    const expected = { current: 1000, days1To30: 1000, days31To60: 600, days61To90: 1000, over90: 1000, totalMinor: 4600 };
    expect(response.json()).toMatchObject({ asOf: '2026-12-31', currency: 'USD', suppliers: [{ supplierId: s, ...expected }], totals: expected });

    // The whole tenant's total is exactly − the GL accounts payable balance.
    const all = await app.inject({ method: 'GET', url: '/v1/reports/ap-aging', headers: auth() });
    expect(all.json().totals.totalMinor).toBe(-(await glBalance('accounts_payable')));
    expect((await app.inject({ method: 'GET', url: '/v1/reports/ap-aging?asOf=2026-13-01', headers: auth() })).statusCode).toBe(400);
    await booksAgree();
  });
});
