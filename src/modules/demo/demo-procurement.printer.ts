import { formatBooksVerification } from '../reporting/index.ts';
import { Dec } from '../../platform/money.ts';
import { entryRows, formatMoney, table } from './demo-trail.printer.ts';
import type { DemoRun, ProcurementTrail } from './demo-trail.types.ts';

/**
 * The procure-to-pay part of the demo's trail: what was backordered, the purchase orders
 * (why each line, the approval with the creator's refusal above the threshold), `qm verify`
 * before the receipt, the receipt by scan with the backorders it released (oldest first),
 * `qm verify` after, the putaways, and the supplier invoices (one posted and paid, one held). Pure.
 */

const qty = (value: string) => new Dec(value).toString();

export function formatProcurement(run: DemoRun, trail: ProcurementTrail, options: { quiet?: boolean } = {}): string[] {
  const out: string[] = [];
  const released = trail.receipts.flatMap((receipt) => receipt.released);
  if (options.quiet) {
    out.push(
      `Procure to pay: ${trail.purchaseOrders.map((po) => `${po.purchaseOrder.poNumber} ${po.purchaseOrder.status}`).join(', ')}; ` +
        `${trail.receipts.map((receipt) => receipt.receipt.receiptNumber).join(', ')} released ${released.map((row) => `${row.orderNumber} × ${row.qty}`).join(', ') || 'nothing'}; ` +
        `qm verify before the receipt ${verdict(trail.verifyBeforeReceipt.ok)}, after ${verdict(trail.verifyAfterReceipt.ok)}; ` +
        `supplier invoices ${trail.supplierInvoices.map((invoice) => `${invoice.invoiceNumber} ${invoice.status}`).join(', ') || 'none'}`,
    );
    return out;
  }
  const wh = (warehouseId: string) => run.warehouses.get(warehouseId) ?? warehouseId;
  out.push('Procure to pay (purchase orders for the backorders, received by scan)');
  out.push(
    trail.bankDetails
      ? `  supplier bank details  ${trail.bankDetails.supplierCode}: ${trail.bankDetails.shown}${trail.bankDetails.enteredNow ? ' — entered now (PUT …/bank-details)' : ' — on file'}`
      : '  supplier bank details  not entered: no master key configured (QM_MASTER_KEY)',
  );
  out.push('  backordered');
  out.push(...table(trail.backorders.map((row) => [row.orderNumber, row.sku, `backordered ${row.qty}`]), [], '    '));
  for (const po of trail.purchaseOrders) {
    const order = po.purchaseOrder;
    out.push(`  purchase order ${order.poNumber} to ${po.supplier.code} ${po.supplier.name} for ${wh(order.warehouseId)}  total ${formatMoney(order.totalMinor)}  status ${order.status}`);
    if (po.supplier.bankDetails) out.push(`    bank details  ${po.supplier.bankDetails}`);
    out.push(
      ...table(
        [
          ['sku', 'part number', 'qty', 'unit cost', 'amount', 'why'],
          ...order.lines.map((line, index) => {
            const reason = po.lines[index];
            const sku = run.items.get(line.itemId)?.sku ?? line.itemId;
            const why = reason?.reason === 'restock' ? 'restock' : `backorders ${qty(reason?.backorderedQty ?? '0')}`;
            return [sku, reason?.supplierPartNumber ?? '', qty(line.qty), line.unitCost, formatMoney(line.lineTotalMinor), `${why} (min ${reason?.minOrderQty ?? '-'}, pack ${reason?.packSize ?? '-'})`];
          }),
        ],
        [2, 3, 4],
      ),
    );
    const threshold = formatMoney(po.approvalThresholdMinor);
    if (po.creatorRefusal) {
      out.push(`    approval  above the threshold ${threshold}: the creator's approval refused (${po.creatorRefusal.status} ${po.creatorRefusal.code}), approved by the second actor ${order.approvedBy}`);
    } else {
      out.push(`    approval  within the threshold ${threshold}: approved by its creator ${order.approvedBy}`);
    }
    out.push(`    sent      ${order.sentAt ?? '-'} (event purchase_order.sent)`);
  }
  out.push(`  qm verify before the receipt: ${verdict(trail.verifyBeforeReceipt.ok)}`);
  out.push(...formatBooksVerification(trail.verifyBeforeReceipt).map((line) => `    ${line}`));
  for (const receipt of trail.receipts) {
    const r = receipt.receipt;
    out.push(`  receipt   ${r.receiptNumber} against ${r.poNumber} at ${wh(r.warehouseId)} on ${r.receiptDate}  value ${formatMoney(r.totalMinor)} (Dr Inventory / Cr GRNI)  PO now ${r.poStatus}`);
    out.push(...table(receipt.scans.map((scan) => ['scan', scan.scan, `(${scan.scannedAs})`, scan.sku, `qty ${qty(scan.qty)}`]), [], '      '));
    out.push(`    backorders released by this receipt (oldest first)${receipt.released.length === 0 ? ': none' : ''}`);
    out.push(...table(receipt.released.map((row) => [row.orderNumber, row.sku, `allocated ${row.qty}`]), [], '      '));
    for (const putaway of receipt.putaways) out.push(`    putaway   ${putaway.sku} × ${putaway.qty} ${putaway.fromBinCode} → ${putaway.toBinCode} (scanned bin + item) ${putaway.status}`);
  }
  out.push(`  qm verify after the receipt: ${verdict(trail.verifyAfterReceipt.ok)}`);
  out.push(...formatBooksVerification(trail.verifyAfterReceipt).map((line) => `    ${line}`));
  if (trail.supplierInvoices.length > 0) out.push('  supplier invoices, matched three ways (PO price × received × invoiced)');
  for (const invoice of trail.supplierInvoices) {
    out.push(
      `    ${invoice.invoiceNumber} (supplier's ${invoice.supplierInvoiceNumber}) for ${invoice.poNumber} line ${invoice.lineNumber}: ${qty(invoice.qty)} @ ${invoice.unitPrice} vs PO ${invoice.poUnitCost}` +
        `  total ${formatMoney(invoice.totalMinor)}  ${invoice.status}` +
        (invoice.status === 'held' ? ` — ${invoice.holdReason ?? 'held'}; nothing posted, its goods stay in GRNI` : `  price variance ${formatMoney(invoice.priceVarianceMinor)}`),
    );
    out.push(...entryRows(invoice.entries));
    if (invoice.payment) {
      out.push(`    paid      ${invoice.payment.paymentNumber} ${formatMoney(invoice.payment.amountMinor)} (POST /v1/supplier-payments)`);
      out.push(...entryRows(invoice.payment.entries));
    }
  }
  return out;
}

function verdict(ok: boolean): string {
  return ok ? 'ok — the books agree' : 'DIFFERENCES';
}
