import { formatBooksVerification, type BooksVerification } from '../reporting/index.ts';
import { Dec, formatMinor } from '../../platform/money.ts';
import { formatProcurement } from './demo-procurement.printer.ts';
import type { ApiJournalEntry, ApiOrder, DemoRun, OrderTrail, StockArrival } from './demo-trail.types.ts';

/**
 * The demo's trail as text: per order the priced lines with the rule that won, tax, the
 * credit result, allocation by warehouse, the pick path in walk order, cartons with SSCC,
 * shipments, invoices, journal entries and payments; procure to pay for the backorders
 * (demo-procurement.printer.ts); then the books' identities. Pure: a
 * run in, lines out (money in the tenant's currency with two decimals, as 1,234.56).
 */

/** 123456 → "1,234.56"; −5 → "-0.05": the demo tenant's USD (exact, see formatMinor). */
export function formatMoney(minor: number): string {
  return formatMinor(minor, 'USD');
}

/** Columns padded to their widest cell; `right` columns are right-aligned (numbers). */
export function table(rows: string[][], right: number[] = [], indent = '    '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, index) => (right.includes(index) ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!))).join('  ').trimEnd());
}

const qty = (value: string) => new Dec(value).toString();

export function formatDemoRun(run: DemoRun, books: BooksVerification, options: { quiet?: boolean } = {}): string[] {
  const out: string[] = [];
  out.push(`qm demo on "${run.tenantName}"${run.seeded ? ' (seeded for this run)' : ''}: ${run.orders.length} orders through the public API`);
  if (!options.quiet) {
    for (const trail of run.orders) out.push('', ...formatOrder(run, trail));
    out.push('', 'Waves');
    out.push(...table(run.waves.map((wave) => [wave.waveNumber, wave.warehouseCode, `${wave.tasks} task${wave.tasks === 1 ? '' : 's'}`, wave.orderNumbers.join(', ')]), [2]));
  }
  if (run.procurement) out.push('', ...formatProcurement(run, run.procurement, options));
  out.push('', 'Summary');
  out.push(
    ...table(
      [
        ['order', 'scenario', 'customer', 'status', 'shipments', 'invoiced', 'open'],
        ...run.orders.map((trail) => {
          const invoiced = trail.shipments.reduce((sum, shipment) => sum + shipment.invoice.totalMinor, 0);
          const paid = trail.payments.reduce((sum, payment) => sum + payment.payment.appliedMinor, 0);
          return [trail.final.orderNumber, trail.scenario, trail.customer.code, trail.final.status, String(trail.shipments.length), formatMoney(invoiced), formatMoney(invoiced - paid)];
        }),
      ],
      [4, 5, 6],
    ),
  );
  out.push('', `qm verify: ${books.ok ? 'ok — the books agree with the operations' : 'DIFFERENCES'}`);
  out.push(...formatBooksVerification(books).map((line) => `  ${line}`));
  return out;
}

function formatOrder(run: DemoRun, trail: OrderTrail): string[] {
  const order = trail.final;
  const sku = (itemId: string) => run.items.get(itemId)?.sku ?? itemId;
  const wh = (warehouseId: string) => run.warehouses.get(warehouseId) ?? warehouseId;
  const out = [`== ${order.orderNumber}  ${trail.scenario}  —  ${trail.customer.code} ${trail.customer.name}`];
  out.push('  priced lines');
  out.push(
    ...table(
      [
        ['#', 'sku', 'qty', 'unit price', 'amount', 'price rule (winner)', 'tax'],
        ...order.lines.map((line) => [
          String(line.lineNumber),
          sku(line.itemId),
          `${qty(line.qty)} ${line.unit}`,
          new Dec(line.unitPrice).toFixed(2),
          formatMoney(line.lineAmountMinor),
          `${line.priceRule} ${ruleReference(line.priceExplanation.winner.reference)}`.trim(),
          line.taxExemptCertificate ? `exempt (${line.taxExemptCertificate})` : `${new Dec(line.taxRate).times(100).toString()}% ${line.taxClass} ${formatMoney(line.taxMinor)}`,
        ]),
      ],
      [2, 3, 4],
    ),
  );
  out.push(`    subtotal ${formatMoney(order.subtotalMinor)}  tax ${formatMoney(order.taxMinor)}  order total ${formatMoney(order.totalMinor)}`);
  const confirm = trail.atConfirm;
  out.push(`  credit      ${confirm.creditStatus}${confirm.holdReasons.length > 0 ? ` (${confirm.holdReasons.join(', ')})` : ''} → status ${confirm.status}`);
  if (trail.afterRelease) out.push(`              hold released (sales:release_hold, audited) → ${trail.afterRelease.creditStatus}, status ${trail.afterRelease.status}`);
  out.push(`  allocation  at confirmation: ${allocationText(confirm, sku, wh)}`);
  const before = trail.arrivals.filter((arrival) => !arrival.afterPicking);
  out.push(...before.map(arrivalText));
  const received = (run.procurement?.receipts ?? []).flatMap((receipt) => receipt.released.filter((row) => row.orderId === order.orderId).map((row) => ({ receipt: receipt.receipt, row })));
  for (const { receipt, row } of received) out.push(`  receipt     ${receipt.receiptNumber} (scan at receiving, ${receipt.poNumber}) → backorder released ${row.sku} ${row.qty}`);
  if (before.length > 0 || received.length > 0 || trail.afterRelease) out.push(`              before picking: ${allocationText(trail.allocated, sku, wh)}`);
  out.push('  pick path (walk order, scanned bin + item)');
  out.push(
    ...table(
      trail.picks.map((pick) => [
        pick.waveNumber,
        pick.warehouseCode,
        pick.binCode,
        `seq ${pick.pickSequence}`,
        pick.sku,
        `scan ${pick.scanned}`,
        `picked ${qty(pick.qtyPicked)}`,
        new Dec(pick.qtyShort).gt(0)
          ? `SHORT ${qty(pick.qtyShort)} → ${pick.continuations > 0 ? `re-tasked (${pick.continuations})` : ''}${new Dec(pick.backorderedQty).gt(0) ? `backordered ${qty(pick.backorderedQty)}` : ''}`
          : '',
      ]),
      [6],
    ),
  );
  out.push(...trail.arrivals.filter((arrival) => arrival.afterPicking).map(arrivalText));
  for (const shipped of trail.shipments) {
    const s = shipped.shipment;
    out.push(`  shipment    ${s.shipmentNumber} from ${shipped.warehouseCode}  ${s.carrier} ${s.service}  tracking ${s.trackingNumber}  freight ${formatMoney(s.freightMinor ?? 0)} (${s.freightSource})  shipped ${s.shipDate}`);
    out.push(...table(s.cartons.map((carton) => ['carton', `SSCC ${carton.sscc}`, `${carton.weightKg ?? '-'} kg`, carton.lines.map((line) => `${sku(line.itemId)} × ${qty(line.qty)}`).join(', ')]), [], '      '));
    const inv = shipped.invoice;
    out.push(
      `    invoice   ${inv.invoiceNumber}  dated ${inv.invoiceDate} due ${inv.dueDate}  subtotal ${formatMoney(inv.subtotalMinor)}  tax ${formatMoney(inv.taxMinor)}  freight ${formatMoney(inv.freightMinor)}  freight tax ${formatMoney(inv.freightTaxMinor)}  total ${formatMoney(inv.totalMinor)}`,
    );
    out.push('    journal entries');
    out.push(...entryRows([shipped.costEntry, ...shipped.invoiceEntries]));
  }
  for (const paid of trail.payments) {
    const p = paid.payment;
    out.push(`  payment     ${p.paymentNumber} ${p.method} ${formatMoney(p.amountMinor)} (${paid.kind}) applied to ${paid.invoiceNumbers.join(', ')} → open after ${formatMoney(paid.openAfterMinor)}`);
    out.push(...entryRows([paid.entry]));
  }
  out.push(`  status      ${order.status}`);
  return out;
}

function arrivalText(arrival: StockArrival): string {
  const when = arrival.afterPicking ? 'after the short pick: ' : '';
  return `  stock in    ${when}+${qty(arrival.qty)} ${arrival.sku} at ${arrival.warehouseCode} @ ${arrival.unitCost} (POST /v1/stock-adjustments) → backorder released ${qty(arrival.releasedQty)}`;
}

/** A rule's reference without the internal id of the contract or discount row (the printed name says which). */
function ruleReference(reference: string): string {
  return reference.replace(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*/i, '');
}

function allocationText(order: ApiOrder, sku: (itemId: string) => string, wh: (warehouseId: string) => string): string {
  return order.lines
    .map((line) => {
      const parts = line.reservations.map((reservation) => `${wh(reservation.warehouseId)} ${qty(reservation.qty)}`);
      if (new Dec(line.qtyBackordered).gt(0)) parts.push(`backordered ${qty(line.qtyBackordered)}`);
      if (new Dec(line.qtyCancelled).gt(0)) parts.push(`cancelled ${qty(line.qtyCancelled)}`);
      return `${sku(line.itemId)}: ${parts.join(' + ') || 'nothing'}`;
    })
    .join('; ');
}

export function entryRows(entries: Array<ApiJournalEntry | null>): string[] {
  const rows: string[][] = [];
  for (const entry of entries) {
    if (!entry) continue;
    for (const line of entry.lines) {
      rows.push([entry.sourceType, entry.sourceNumber ?? '', `${line.accountCode} ${line.accountName ?? line.account ?? ''}`, line.debitMinor > 0 ? formatMoney(line.debitMinor) : '', line.creditMinor > 0 ? formatMoney(line.creditMinor) : '']);
    }
  }
  return rows.length > 0 ? table([['source', 'document', 'account', 'debit', 'credit'], ...rows], [3, 4], '      ') : [];
}
