import { Dec } from '../../platform/money.ts';
import type { DemoApi } from './demo-api.client.ts';
import { entriesOf } from './demo-fulfilment.service.ts';
import type { ApiPurchaseOrder, ProcurementTrail, SupplierInvoiceTrail } from './demo-trail.types.ts';

/**
 * Supplier invoices in `qm demo` (issue #6 item 8), through POST /v1/supplier-invoices: the
 * goods just received are billed in two invoices, matched three ways (PO price × received ×
 * invoiced) —
 *   1. billed 1 % above the PO price, inside the tenant's price tolerance (2 % by default):
 *      posted — Dr GRNI at PO price, Dr purchase price variance, Cr AP — and then paid in full
 *      (POST /v1/supplier-payments: Dr AP / Cr Cash);
 *   2. billed 8 % above: held for approval with its reason, nothing posted; it stays in the
 *      held queue for a controller (the back office approves or rejects it).
 * The received value of the held part stays in GRNI, which `qm verify` then shows.
 */

const WITHIN_TOLERANCE = new Dec('1.01');
const BEYOND_TOLERANCE = new Dec('1.08');

interface ApiSupplierInvoice {
  supplierInvoiceId: string;
  invoiceNumber: string;
  supplierInvoiceNumber: string;
  status: string;
  totalMinor: number;
  lines: Array<{ ppvMinor: number; amountMinor: number; holds: Array<{ code: string; detail: string }> }>;
}

interface ApiSupplierPayment {
  supplierPaymentId: string;
  paymentNumber: string;
  amountMinor: number;
}

/** A received PO line and how much of it to bill. */
interface Billable {
  po: ApiPurchaseOrder;
  lineNumber: number;
  unitCost: Dec;
  qty: Dec;
  /** The supplier bills the day the goods arrived. */
  invoiceDate: string;
}

export async function matchSupplierInvoices(api: DemoApi, trail: ProcurementTrail): Promise<void> {
  const [first, second] = billables(trail);
  if (!first) return;
  trail.supplierInvoices.push(await enter(api, first, WITHIN_TOLERANCE, 'A'));
  if (second) trail.supplierInvoices.push(await enter(api, second, BEYOND_TOLERANCE, 'B'));
}

/**
 * Two billable parts of what was received, largest value first so the variance shows in cents:
 * two lines when the receipts have them, else the one line's quantity split in two.
 */
function billables(trail: ProcurementTrail): Billable[] {
  const received = new Map<string, Dec>();
  const receivedOn = new Map<string, string>();
  for (const receipt of trail.receipts) {
    for (const line of receipt.receipt.lines) {
      received.set(line.poLineId, (received.get(line.poLineId) ?? new Dec(0)).plus(line.qty));
      receivedOn.set(line.poLineId, receipt.receipt.receiptDate);
    }
  }
  const parts: Billable[] = [];
  for (const { purchaseOrder: po } of trail.purchaseOrders) {
    for (const line of po.lines) {
      const qty = received.get(line.lineId);
      if (qty?.gt(0)) parts.push({ po, lineNumber: line.lineNumber, unitCost: new Dec(line.unitCost), qty, invoiceDate: receivedOn.get(line.lineId)! });
    }
  }
  parts.sort((a, b) => b.unitCost.times(b.qty).comparedTo(a.unitCost.times(a.qty)));
  if (parts.length >= 2) return parts.slice(0, 2);
  const only = parts[0];
  if (!only || only.qty.lt(2)) return parts;
  const half = only.qty.dividedToIntegerBy(2);
  return [{ ...only, qty: half }, { ...only, qty: only.qty.minus(half) }];
}

async function enter(api: DemoApi, part: Billable, priceFactor: Dec, suffix: string): Promise<SupplierInvoiceTrail> {
  const unitPrice = part.unitCost.times(priceFactor).toDecimalPlaces(4, Dec.ROUND_HALF_UP);
  const invoice = await api.post<ApiSupplierInvoice>(
    '/v1/supplier-invoices',
    {
      supplierId: part.po.supplierId,
      supplierInvoiceNumber: `DEMO-${part.po.poNumber}-${suffix}`,
      invoiceDate: part.invoiceDate,
      lines: [{ purchaseOrderId: part.po.purchaseOrderId, lineNumber: part.lineNumber, qty: part.qty.toString(), unitPrice: unitPrice.toString() }],
    },
    { idempotent: true },
  );
  const holds = invoice.lines.flatMap((line) => line.holds);
  const posted = invoice.status === 'posted';
  let payment: SupplierInvoiceTrail['payment'] = null;
  if (posted) {
    const paid = await api.post<ApiSupplierPayment>(
      '/v1/supplier-payments',
      { supplierId: part.po.supplierId, amountMinor: invoice.totalMinor, reference: `ACH ${invoice.invoiceNumber}`, applications: [{ supplierInvoiceId: invoice.supplierInvoiceId, amountMinor: invoice.totalMinor }] },
      { idempotent: true },
    );
    payment = { paymentNumber: paid.paymentNumber, amountMinor: paid.amountMinor, entries: await entriesOf(api, 'supplier_payment', paid.supplierPaymentId) };
  }
  return {
    supplierInvoiceId: invoice.supplierInvoiceId,
    invoiceNumber: invoice.invoiceNumber,
    supplierInvoiceNumber: invoice.supplierInvoiceNumber,
    poNumber: part.po.poNumber,
    lineNumber: part.lineNumber,
    qty: part.qty.toString(),
    poUnitCost: part.unitCost.toString(),
    unitPrice: unitPrice.toString(),
    status: posted ? 'posted' : 'held',
    totalMinor: invoice.totalMinor,
    priceVarianceMinor: invoice.lines.reduce((total, line) => total + line.ppvMinor, 0),
    holdReason: holds.length > 0 ? holds.map((hold) => `${hold.code}: ${hold.detail}`).join('; ') : null,
    entries: posted ? await entriesOf(api, 'supplier_invoice', invoice.supplierInvoiceId) : [],
    payment,
  };
}
