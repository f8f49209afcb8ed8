/**
 * The payables commands of the books model test (books-model.test.ts): supplier invoices
 * entered through the API against the model's received purchase orders, and supplier payments.
 * Kept apart so the test file stays small; they use the test's own harness, passed in.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { Dec } from '../../platform/money.ts';
import type { Model, World } from './books-model.fixtures.ts';

type Response = { statusCode: number; body: string; json: () => any };

export interface ModelHarness {
  request(world: World, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<Response>;
  rows(world: World, text: string, values?: unknown[]): Promise<any[]>;
  snapshot(model: Model): Promise<Record<string, string>>;
  expectRefused(model: Model, response: Response, codes: string[], before: Record<string, string>): Promise<void>;
  count(model: Model, name: string): void;
  assertBooks(model: Model): Promise<void>;
}

type Cmd = fc.AsyncCommand<Model, World>;
type SupplierInvoiceMode = 'exact' | 'partial' | 'price_within' | 'price_beyond' | 'over_qty' | 'duplicate';
type SupplierPayMode = 'full' | 'partial' | 'over';

export function payablesCommands(h: ModelHarness): Array<fc.Arbitrary<Cmd>> {
  const { request, rows, snapshot, expectRefused, count, assertBooks } = h;

  /**
   * A supplier invoice for a received PO, through the API: exact and partial quantities and a price
   * 1 % off post at once; a price 10 % off is held and then approved (the variance to PPV); billing
   * more than is left un-billed is held and then rejected; a supplier number used before is refused.
   */
  class EnterSupplierInvoice implements Cmd {
    constructor(readonly pick: number, readonly mode: SupplierInvoiceMode) {}
    check = (model: Readonly<Model>) => model.purchaseOrders.length > 0;
    async run(model: Model, world: World) {
      const po = model.purchaseOrders[this.pick % model.purchaseOrders.length]!;
      const open = po.qty - po.invoicedQty;
      const mode: SupplierInvoiceMode = this.mode === 'duplicate' && model.supplierInvoices.length === 0 ? 'exact' : this.mode;
      count(model, `sinv_${mode}`);
      const supplierId = (await rows(world, `select supplier_id from suppliers where tenant_id = $1 and code = 'MODEL-SUP'`))[0].supplier_id;
      const qty = mode === 'over_qty' || open === 0 ? open + 1 : mode === 'partial' ? Math.max(1, Math.floor(open / 2)) : open;
      const factor = mode === 'price_within' ? '1.01' : mode === 'price_beyond' ? '1.10' : '1';
      const unitPrice = new Dec(po.unitCost).times(factor).toDecimalPlaces(6).toFixed();
      const supplierInvoiceNumber = mode === 'duplicate' ? model.supplierInvoices[this.pick % model.supplierInvoices.length]!.supplierInvoiceNumber.toLowerCase() : `SUP-${newId().slice(-12)}`;
      const before = await snapshot(model);
      const response = await request(world, 'POST', '/v1/supplier-invoices', {
        supplierId, supplierInvoiceNumber, invoiceDate: '2026-12-01', lines: [{ purchaseOrderId: po.purchaseOrderId, lineNumber: 1, qty: String(qty), unitPrice }],
      });
      if (mode === 'duplicate') {
        await expectRefused(model, response, ['SUPPLIER_INVOICE_DUPLICATE'], before);
        await assertBooks(model);
        return;
      }
      expect(response.statusCode, response.body).toBe(201);
      let invoice = response.json();
      expect(invoice.totalMinor).toBe(new Dec(qty).times(unitPrice).times(100).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber());
      if (qty > open) {
        expect(invoice.status).toBe('held');
        expect((await request(world, 'POST', `/v1/supplier-invoices/${invoice.supplierInvoiceId}/reject`, { reason: 'model: not received' })).json().status).toBe('rejected');
      } else {
        if (mode === 'price_beyond') {
          expect(invoice.status).toBe('held');
          const approved = await request(world, 'POST', `/v1/supplier-invoices/${invoice.supplierInvoiceId}/approve`, {});
          expect(approved.statusCode, approved.body).toBe(200);
          invoice = approved.json();
        }
        expect(invoice.status).toBe('posted');
        po.invoicedQty += qty;
        model.supplierInvoices.push({ supplierInvoiceId: invoice.supplierInvoiceId, supplierInvoiceNumber, totalMinor: invoice.totalMinor, paidMinor: 0 });
      }
      model.stats.succeeded++;
      await assertBooks(model);
    }
    toString = () => `supplierInvoice(#${this.pick}, ${this.mode})`;
  }

  class PaySupplier implements Cmd {
    constructor(readonly pick: number, readonly mode: SupplierPayMode) {}
    check = (model: Readonly<Model>) => model.supplierInvoices.some((invoice) => invoice.paidMinor < invoice.totalMinor);
    async run(model: Model, world: World) {
      count(model, `spay_${this.mode}`);
      const open = model.supplierInvoices.filter((invoice) => invoice.paidMinor < invoice.totalMinor);
      const invoice = open[this.pick % open.length]!;
      const openMinor = invoice.totalMinor - invoice.paidMinor;
      const amountMinor = this.mode === 'full' ? openMinor : this.mode === 'partial' ? Math.max(1, Math.floor(openMinor / 3)) : openMinor + 1;
      const supplierId = (await rows(world, `select supplier_id from suppliers where tenant_id = $1 and code = 'MODEL-SUP'`))[0].supplier_id;
      const before = await snapshot(model);
      const response = await request(world, 'POST', '/v1/supplier-payments', { supplierId, amountMinor, applications: [{ supplierInvoiceId: invoice.supplierInvoiceId, amountMinor }] });
      if (this.mode === 'over') await expectRefused(model, response, ['SUPPLIER_PAYMENT_OVER_APPLIED'], before);
      else {
        expect(response.statusCode, response.body).toBe(201);
        invoice.paidMinor += amountMinor;
        model.stats.succeeded++;
      }
      await assertBooks(model);
    }
    toString = () => `paySupplier(#${this.pick}, ${this.mode})`;
  }

  const supplierInvoice = fc
    .tuple(fc.nat(), fc.constantFrom<SupplierInvoiceMode>('exact', 'partial', 'price_within', 'price_beyond', 'price_beyond', 'over_qty', 'duplicate'))
    .map(([p, mode]) => new EnterSupplierInvoice(p, mode));
  const paySupplier = fc.tuple(fc.nat(), fc.constantFrom<SupplierPayMode>('full', 'partial', 'partial', 'over')).map(([p, mode]) => new PaySupplier(p, mode));
  return [supplierInvoice, paySupplier];
}
