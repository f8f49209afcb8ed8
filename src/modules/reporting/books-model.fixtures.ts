/**
 * The world, the model and the checks of the books model-based test
 * (books-model.test.ts). The model keeps what the test did — stock put in and
 * shipped, what was picked and shipped per line and warehouse, every invoice with
 * what was applied to it, credited and voided, every payment and credit memo — so
 * that the database can be checked against facts the services did not compute.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { TestDatabase } from '../../../test/support/database.ts';
import { bearer, createTestTenant } from '../../../test/support/tenants.ts';
import { fixedClock, systemContext, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { Dec, applyRateMinor } from '../../platform/money.ts';
import { createBin } from '../inventory/index.ts';
import { TAX_RATE, addCustomer, addItem, addWarehouse, seedTaxAndPriceList } from '../sales/sales.fixtures.ts';
import { verifyBooks } from './verify-books.service.ts';

export const clock = fixedClock('2026-12-03T17:00:00Z');
/** Prices that make per-line rounding and tax rounding bite (× 0.0725). */
export const ITEM_PRICES = ['1.46', '0.35'];
/** Freight terms per customer: computed freight differs by customer. */
export const FREIGHT_TERMS = ['prepaid_and_add', 'collect', 'prepaid_and_add'] as const;
export const FREIGHT_TARIFF = { baseMinor: 500, perKgMinor: 100 };
export const POLICIES = [
  { allowPartialShipment: true, remainderPolicy: 'backorder' as const, allowSplitWarehouses: true },
  { allowPartialShipment: true, remainderPolicy: 'backorder' as const, allowSplitWarehouses: false },
  { allowPartialShipment: true, remainderPolicy: 'cancel' as const, allowSplitWarehouses: true },
];

export interface World {
  tenantId: string;
  key: string;
  items: Array<{ itemId: string; sku: string }>;
  warehouses: string[];
  /** The storage bin of each warehouse (same index), where stock is put and picked from. */
  storageBins: Array<{ binId: string; code: string }>;
  /** A second storage bin per warehouse, a putaway destination (picking takes from either). */
  overflowBins: Array<{ binId: string; code: string }>;
  /** The receiving bin per warehouse, where some receipts land before their putaway. */
  receivingBins: Array<{ binId: string; code: string }>;
  customers: Array<{ customerId: string; shipToId: string }>;
}

export interface ModelOrder {
  orderId: string;
  customer: number;
  lines: Array<{ lineId: string; itemId: string; qty: number }>;
  /** `${lineId}/${warehouseId}` → quantity. */
  picked: Map<string, number>;
  shipped: Map<string, number>;
}

export interface ModelInvoice {
  invoiceId: string;
  invoiceNumber: string;
  customer: number;
  totalMinor: number;
  freightMinor: number;
  appliedMinor: number;
  voided: boolean;
  creditMemos: number;
  freightCreditedMinor: number;
  /** Per invoice line (number, from 1): quantity invoiced and credited, amount invoiced and credited. */
  lines: Array<{ lineNumber: number; qty: number; price: string; creditedQty: number; amountMinor: number; creditedMinor: number }>;
}

export interface Model {
  world: World;
  /** `${itemId}/${warehouseId}` → on hand, from what came in and what shipped. */
  onHand: Map<string, number>;
  orders: ModelOrder[];
  invoices: ModelInvoice[];
  payments: Array<{ paymentId: string; openItemId: string; amountMinor: number; appliedMinor: number }>;
  creditMemos: Array<{ creditMemoId: string; totalMinor: number }>;
  /** Purchase orders received in full (one line each) and how much of them posted supplier invoices billed. */
  purchaseOrders: Array<{ purchaseOrderId: string; qty: number; unitCost: string; invoicedQty: number }>;
  /** Posted supplier invoices and what supplier payments applied to them. */
  supplierInvoices: Array<{ supplierInvoiceId: string; supplierInvoiceNumber: string; totalMinor: number; paidMinor: number }>;
  /** Putaway tasks of receipts into a receiving bin: quantity and how much of it the model confirmed. */
  putawayTasks: Array<{ taskId: string; qty: number; putAway: number; closedShort: boolean }>;
  stats: { attempted: number; succeeded: number; refused: number; byCommand: Record<string, number> };
}

export const key = (a: string, b: string) => `${a}/${b}`;
export const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
/** Σ over warehouses of a line's entries in a `${lineId}/${warehouseId}` map. */
export const lineTotal = (map: Map<string, number>, lineId: string) => sum([...map].filter(([k]) => k.startsWith(`${lineId}/`)).map(([, qty]) => qty));

export async function newWorld(testDb: () => TestDatabase, app: FastifyInstance): Promise<World> {
  const admin = testDb().admin;
  const tenant = await createTestTenant(testDb().db);
  const { priceListId } = await seedTaxAndPriceList(admin, tenant.tenantId);
  const warehouses = [await addWarehouse(admin, tenant.tenantId, 'W0', 10), await addWarehouse(admin, tenant.tenantId, 'W1', 20)];
  const storageBins = [];
  const overflowBins = [];
  const receivingBins = [];
  const bin = (warehouseId: string, code: string, kind: 'storage' | 'receiving', pickSequence: number) =>
    testDb().db.withTenant({ tenantId: tenant.tenantId }, (tx) => createBin(tx, context(tenant.tenantId), warehouseId, { code, kind, pickSequence }));
  for (const warehouseId of warehouses) {
    const [s, o, r] = [await bin(warehouseId, 'S-01', 'storage', 10), await bin(warehouseId, 'S-02', 'storage', 20), await bin(warehouseId, 'RCV-M', 'receiving', 1)];
    storageBins.push({ binId: s.binId, code: s.code });
    overflowBins.push({ binId: o.binId, code: o.code });
    receivingBins.push({ binId: r.binId, code: r.code });
  }
  const items: World['items'] = [];
  for (const [index, priceEa] of ITEM_PRICES.entries()) items.push({ itemId: (await addItem(admin, tenant.tenantId, priceListId, { sku: `BM-${index}`, priceEa })).itemId, sku: `BM-${index}` });
  const customers = [];
  for (const [index, policy] of POLICIES.entries()) {
    const c = await addCustomer(admin, tenant.tenantId, { defaultWarehouseId: warehouses[0]!, ...policy });
    await admin.query('update customers set freight_terms = $3 where tenant_id = $1 and customer_id = $2', [tenant.tenantId, c.customerId, FREIGHT_TERMS[index]]);
    customers.push(c);
  }
  const settings = await app.inject({ method: 'PUT', url: '/v1/settings/shipping', headers: bearer(tenant.adminKey), payload: { gs1CompanyPrefix: '0614141', freight: FREIGHT_TARIFF } });
  expect(settings.statusCode, settings.body).toBe(200);
  return { tenantId: tenant.tenantId, key: tenant.adminKey, items, warehouses, storageBins, overflowBins, receivingBins, customers };
}

export function context(tenantId: string): OperationContext {
  return systemContext(tenantId, 'books-model', { clock });
}

export function inWorld<T>(testDb: () => TestDatabase, world: World, fn: (tx: Tx, ctx: OperationContext) => Promise<T>): Promise<T> {
  return testDb().db.withTenant({ tenantId: world.tenantId }, (tx) => fn(tx, context(world.tenantId)));
}

/**
 * What a refused command must leave exactly as it was: row counts of everything a
 * business event writes, and the sums the identities compare. (Number-series blocks
 * taken before a transaction are not in it: a refused request may skip a WV-/SH-/PAY-.)
 */
export async function writtenState(testDb: () => TestDatabase, tenantId: string): Promise<Record<string, string>> {
  const tables = [
    'stock_movements', 'reservations', 'journal_entries', 'journal_lines', 'pick_waves', 'pick_tasks', 'shipments', 'cartons', 'carton_lines',
    'shipment_lines', 'invoices', 'invoice_lines', 'credit_memos', 'credit_memo_lines', 'customer_payments', 'payment_applications',
    'receivable_open_items', 'outbox_events', 'audit_log',
    'supplier_invoices', 'supplier_invoice_lines', 'payable_open_items', 'supplier_payments', 'supplier_payment_applications', 'putaway_tasks',
  ];
  const counts = tables.map((table) => `(select count(*) from ${table} where tenant_id = $1)::text as ${table}`).join(', ');
  const { rows } = await testDb().admin.query(
    `select ${counts},
       (select coalesce(sum(open_minor), 0) from receivable_open_items where tenant_id = $1)::text as open_minor,
       (select coalesce(sum(open_minor), 0) from payable_open_items where tenant_id = $1)::text as payable_open_minor,
       (select string_agg(status, ',' order by supplier_invoice_id) from supplier_invoices where tenant_id = $1) as supplier_invoice_statuses,
       (select coalesce(sum(on_hand), 0) || '/' || coalesce(sum(reserved), 0) || '/' || coalesce(sum(value_minor), 0) from stock_balances where tenant_id = $1) as balances,
       (select coalesce(sum(qty_picked), 0) || '/' || coalesce(sum(qty_shipped), 0) || '/' || coalesce(sum(qty_allocated), 0) || '/' || coalesce(sum(qty_backordered), 0) from sales_order_lines where tenant_id = $1) as lines,
       (select string_agg(status, ',' order by order_id) from sales_orders where tenant_id = $1) as statuses,
       (select string_agg(status, ',' order by task_id) from pick_tasks where tenant_id = $1) as task_statuses,
       (select string_agg(status, ',' order by invoice_id) from invoices where tenant_id = $1) as invoice_statuses,
       (select string_agg(status || ':' || qty_put_away, ',' order by task_id) from putaway_tasks where tenant_id = $1) as putaway,
       (select string_agg(bin_id || ':' || item_id || ':' || on_hand, ',' order by bin_id, item_id) from bin_balances where tenant_id = $1) as bins`,
    [tenantId],
  );
  return rows[0];
}

/** Every identity of `qm verify`, zero value at zero quantity, and the model's facts. */
export async function assertBooks(testDb: () => TestDatabase, model: Model): Promise<void> {
  const { tenantId } = model.world;
  const q = async (text: string) => (await testDb().admin.query(text, [tenantId])).rows;

  const verification = await inWorld(testDb, model.world, (tx, ctx) => verifyBooks(tx, ctx));
  expect(verification.identities.filter((identity) => !identity.ok)).toEqual([]);

  // Inventory value is exactly 0 wherever quantity is 0, and never negative: on every balance row …
  for (const row of await q(`select item_id, warehouse_id, on_hand::text, reserved::text, value_minor::text as value from stock_balances where tenant_id = $1`)) {
    const onHand = new Dec(row.on_hand);
    expect(onHand.isNegative() || Number(row.value) < 0, `negative balance ${JSON.stringify(row)}`).toBe(false);
    if (onHand.isZero()) expect(row.value, `value at zero quantity ${JSON.stringify(row)}`).toBe('0');
    expect(new Dec(row.reserved).lte(onHand), `reserved above on hand ${JSON.stringify(row)}`).toBe(true);
    // … and the model's own count of what came in and went out.
    expect(onHand.toNumber(), `on hand ${row.item_id}/${row.warehouse_id}`).toBe(model.onHand.get(key(row.item_id, row.warehouse_id)) ?? 0);
  }
  // … and on Σ movements per item and warehouse (the stock ledger itself).
  for (const row of await q(`select item_id, warehouse_id, sum(qty)::text as qty, sum(value_minor)::text as value from stock_movements where tenant_id = $1 group by item_id, warehouse_id`)) {
    expect(new Dec(row.qty).isNegative() || Number(row.value) < 0, `negative stock ledger ${JSON.stringify(row)}`).toBe(false);
    if (new Dec(row.qty).isZero()) expect(row.value, `stock ledger value at zero quantity ${JSON.stringify(row)}`).toBe('0');
  }
  for (const row of await q(`select item_id, bin_id, on_hand::text from bin_balances where tenant_id = $1`)) expect(new Dec(row.on_hand).isNegative(), JSON.stringify(row)).toBe(false);

  // Order lines: picked and shipped as the model counted them; shipped ≤ picked ≤ ordered.
  const lines = new Map((await q(`select line_id, qty_base::int as qty, qty_picked::text as picked, qty_shipped::text as shipped, qty_allocated::text as allocated, qty_backordered::text as backordered, qty_cancelled::text as cancelled from sales_order_lines where tenant_id = $1`)).map((row) => [row.line_id, row]));
  for (const order of model.orders) {
    for (const line of order.lines) {
      const row = lines.get(line.lineId)!;
      const picked = lineTotal(order.picked, line.lineId);
      const shipped = lineTotal(order.shipped, line.lineId);
      expect({ line: line.lineId, picked: Number(row.picked), shipped: Number(row.shipped) }).toEqual({ line: line.lineId, picked, shipped });
      expect(shipped).toBeLessThanOrEqual(picked);
      expect(picked).toBeLessThanOrEqual(line.qty);
      expect(Number(row.allocated) + Number(row.backordered) + Number(row.cancelled) + shipped).toBeLessThanOrEqual(line.qty);
    }
  }

  // Invoices: gapless numbers; totals = Σ lines + tax + freight; every line amount = half-up(qty × the order's price),
  // its tax = half-up(amount × rate); open = total − what the model applied, 0 once voided.
  const invoices = await q(
    `select i.invoice_id, i.invoice_number, i.status, i.subtotal_minor::int as subtotal, i.tax_minor::int as tax, i.freight_minor::int as freight,
            i.freight_tax_minor::int as freight_tax, i.total_minor::int as total, o.open_minor::int as open
     from invoices i join receivable_open_items o on o.tenant_id = i.tenant_id and o.document_type = 'invoice' and o.document_number = i.invoice_number
     where i.tenant_id = $1 order by i.invoice_number`,
  );
  expect(invoices.map((row) => row.invoice_number)).toEqual(model.invoices.map((_, index) => `INV-${String(index + 1).padStart(6, '0')}`));
  const invoiceLines = await q(
    `select il.invoice_id, il.line_number, il.qty::text, il.unit_price::text as price, il.amount_minor::int as amount, il.tax_rate::text as rate, il.tax_minor::int as tax,
            sl.unit_price::text as order_price
     from invoice_lines il join sales_order_lines sl on sl.tenant_id = il.tenant_id and sl.line_id = il.order_line_id
     where il.tenant_id = $1 order by il.invoice_id, il.line_number`,
  );
  for (const invoice of invoices) {
    const expected = model.invoices.find((i) => i.invoiceId === invoice.invoice_id)!;
    const mine = invoiceLines.filter((line) => line.invoice_id === invoice.invoice_id);
    for (const line of mine) {
      expect(new Dec(line.price).eq(line.order_price)).toBe(true);
      expect(line.amount).toBe(new Dec(line.qty).times(line.price).times(100).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber());
      expect(line.tax).toBe(applyRateMinor(line.amount, TAX_RATE));
    }
    expect(invoice.subtotal).toBe(sum(mine.map((line) => line.amount)));
    expect(invoice.tax).toBe(sum(mine.map((line) => line.tax)));
    expect(invoice.total).toBe(invoice.subtotal + invoice.tax + invoice.freight + invoice.freight_tax);
    expect({ invoice: invoice.invoice_number, total: invoice.total, freight: invoice.freight, status: invoice.status, open: invoice.open }).toEqual({
      invoice: invoice.invoice_number,
      total: expected.totalMinor,
      freight: expected.freightMinor,
      status: expected.voided ? 'voided' : 'posted',
      open: expected.voided ? 0 : expected.totalMinor - expected.appliedMinor,
    });
    // Credits never exceed what was invoiced, and the credit that takes the last of a line takes exactly its amount.
    for (const line of expected.lines) {
      expect(line.creditedQty).toBeLessThanOrEqual(line.qty);
      if (line.creditedQty === line.qty) expect(line.creditedMinor).toBe(line.amountMinor);
      else expect(line.creditedMinor).toBeLessThanOrEqual(line.amountMinor);
    }
  }

  // Credit memos: gapless CM- numbers, a negative open item of the whole total (never applied here).
  const memos = await q(
    `select m.credit_memo_id, m.credit_memo_number, m.subtotal_minor::int as subtotal, m.tax_minor::int as tax, m.freight_minor::int as freight, m.total_minor::int as total, o.open_minor::int as open, o.amount_minor::int as amount
     from credit_memos m join receivable_open_items o on o.tenant_id = m.tenant_id and o.document_type = 'credit_memo' and o.document_number = m.credit_memo_number
     where m.tenant_id = $1 order by m.credit_memo_number`,
  );
  expect(memos.map((row) => row.credit_memo_number)).toEqual(model.creditMemos.map((_, index) => `CM-${String(index + 1).padStart(6, '0')}`));
  for (const memo of memos) {
    expect(memo.total).toBe(model.creditMemos.find((m) => m.creditMemoId === memo.credit_memo_id)!.totalMinor);
    expect(memo.total).toBeGreaterThanOrEqual(memo.subtotal + memo.tax + memo.freight);
    expect({ amount: memo.amount, open: memo.open }).toEqual({ amount: -memo.total, open: -memo.total });
  }

  // Payments: their open item is −(amount − what the model applied).
  const payments = new Map((await q(`select open_item_id, amount_minor::int as amount, open_minor::int as open from receivable_open_items where tenant_id = $1 and document_type = 'payment'`)).map((row) => [row.open_item_id, row]));
  expect(payments.size).toBe(model.payments.length);
  for (const payment of model.payments) expect(payments.get(payment.openItemId)).toEqual({ open_item_id: payment.openItemId, amount: -payment.amountMinor, open: payment.appliedMinor - payment.amountMinor });

  // Shipments: exactly one invoice and one cost entry per confirmed shipment.
  for (const row of await q(
    `select s.shipment_id,
            (select count(*)::int from invoices i where i.tenant_id = s.tenant_id and i.shipment_id = s.shipment_id) as invoices,
            (select count(*)::int from journal_entries e where e.tenant_id = s.tenant_id and e.source_type = 'shipment' and e.source_id = s.shipment_id::text) as cost_entries,
            (select coalesce(sum(cost_minor), 0)::int from shipment_lines l where l.tenant_id = s.tenant_id and l.shipment_id = s.shipment_id) as cost
     from shipments s where s.tenant_id = $1 and s.status = 'shipped'`,
  )) {
    expect(row.invoices, row.shipment_id).toBe(1);
    expect(row.cost_entries, row.shipment_id).toBe(row.cost > 0 ? 1 : 0);
  }

  // Supplier invoices: one AP open item per posted invoice, open = total − what the model paid.
  const payables = new Map((await q(`select document_id, amount_minor::int as amount, open_minor::int as open from payable_open_items where tenant_id = $1`)).map((row) => [row.document_id, row]));
  expect(payables.size).toBe(model.supplierInvoices.length);
  for (const invoice of model.supplierInvoices) {
    expect(payables.get(invoice.supplierInvoiceId)).toEqual({ document_id: invoice.supplierInvoiceId, amount: invoice.totalMinor, open: invoice.totalMinor - invoice.paidMinor });
  }
  // Putaway tasks: put away as the model confirmed, done exactly when all of it is; a receiving bin never holds
  // more than its open tasks still have to move (picking may take from it first), and never below zero.
  const tasks = new Map((await q(`select task_id, qty_put_away::text as put_away, status from putaway_tasks where tenant_id = $1`)).map((row) => [row.task_id, row]));
  for (const task of model.putawayTasks) {
    const row = tasks.get(task.taskId);
    expect({ putAway: Number(row?.put_away), status: row?.status }, `putaway task ${task.taskId}`).toEqual({ putAway: task.putAway, status: task.closedShort || task.putAway === task.qty ? 'done' : 'open' });
  }
  for (const row of await q(
    `select b.bin_id, coalesce((select sum(bb.on_hand) from bin_balances bb where bb.tenant_id = b.tenant_id and bb.bin_id = b.bin_id), 0)::text as held,
            coalesce((select sum(t.qty - t.qty_put_away) from putaway_tasks t where t.tenant_id = b.tenant_id and t.from_bin_id = b.bin_id and t.status = 'open'), 0)::text as open
     from bins b where b.tenant_id = $1 and b.kind = 'receiving'`,
  )) expect(new Dec(row.held).lte(row.open), `receiving bin ${row.bin_id} holds ${row.held}, open putaway ${row.open}`).toBe(true);

  // GRNI per PO line: never cleared beyond what its receipts credited, and exactly 0 left once all received is billed.
  for (const row of await q(
    `select l.line_id, l.qty_received::text as received,
            (select coalesce(sum(r.value_minor), 0) from receipt_lines r where r.tenant_id = l.tenant_id and r.po_line_id = l.line_id)::int as value,
            (select coalesce(sum(sl.grni_cleared_minor), 0) from supplier_invoice_lines sl join supplier_invoices si using (tenant_id, supplier_invoice_id)
              where sl.tenant_id = l.tenant_id and sl.po_line_id = l.line_id and si.status = 'posted')::int as cleared,
            (select coalesce(sum(sl.qty), 0) from supplier_invoice_lines sl join supplier_invoices si using (tenant_id, supplier_invoice_id)
              where sl.tenant_id = l.tenant_id and sl.po_line_id = l.line_id and si.status = 'posted')::text as invoiced
       from purchase_order_lines l where l.tenant_id = $1`,
  )) {
    expect(row.value - row.cleared, `GRNI of PO line ${row.line_id}`).toBeGreaterThanOrEqual(0);
    if (new Dec(row.invoiced).gte(row.received)) expect(row.value - row.cleared, `GRNI left on fully billed PO line ${row.line_id}`).toBe(0);
  }
}
