import type { BooksVerification } from '../reporting/index.ts';
import { Dec } from '../../platform/money.ts';
import { DemoApiError, type DemoApi } from './demo-api.client.ts';
import { DEMO_SUPPLIER_BANK } from './demo-suppliers.data.ts';
import { matchSupplierInvoices } from './demo-supplier-invoices.service.ts';
import { orderQty } from './rules/demo-scenarios.rules.ts';
import type {
  ApiBin,
  ApiItem,
  ApiOrder,
  ApiPurchaseOrder,
  ApiPutawayTask,
  ApiReceipt,
  ApiSupplier,
  ApiSupplierItem,
  DemoRun,
  OrderTrail,
  ProcurementTrail,
  PurchaseLineReason,
  PurchaseOrderTrail,
  ReceiptTrail,
} from './demo-trail.types.ts';

/**
 * Procure to pay in `qm demo` (issue #6 item 8), all through the public API: purchase orders
 * for what the run's orders backordered, placed with each item's supplier in its minimum and
 * pack size; the order above the approval threshold refused to its creator
 * (PO_APPROVER_IS_CREATOR) and approved by a second actor (the run's approver key); sent;
 * `qm verify` before the receipt; received by scan (a supplier part number, a GTIN) through
 * POST /v1/receipts, which releases the waiting backorders oldest first in the same
 * transaction; `qm verify` after; the putaway tasks confirmed by scan. The demo flow then
 * picks, packs, ships and invoices the released orders with the other orders.
 */

export interface ProcurementInput {
  /** The run's own key: creates, sends and receives (the PO's creator). */
  api: DemoApi;
  /** The run's second key, purchasing:approve only: the "different actor" above the threshold. */
  approver: DemoApi;
  approverKeyId: string;
  run: DemoRun;
  trails: Map<string, OrderTrail>;
  warehouseId: string;
  approvalThresholdMinor: number;
  /** Whether a master key is configured (sealing bank details needs one; a DATABASE_URL server may have none). */
  canSeal: boolean;
  /** `qm verify` (reporting.verifyBooks) on the demo tenant. */
  verify: () => Promise<BooksVerification>;
  log: (message: string) => void;
}

interface Backordered {
  item: ApiItem;
  qty: Dec;
  orders: Array<{ orderNumber: string; qty: string }>;
}

interface Sourcing {
  supplier: ApiSupplier;
  supplierItem: ApiSupplierItem;
}

export async function procureBackorders(input: ProcurementInput): Promise<ProcurementTrail> {
  const { api, run, log } = input;
  const backordered = await backorderedItems(input);
  if (backordered.length === 0) throw new Error('invariant failed: the demo orders backordered nothing to buy');
  const sourcing = await supplierItemsByItem(api);
  const bankDetails = input.canSeal ? await ensureBankDetails(api, sourcing) : null;
  // Sealed fields need the master key to write and to read back (the holder is sealed too).
  if (!input.canSeal) log('no master key configured: supplier bank details are neither entered nor shown');

  // One purchase order per supplier, each item in the supplier's minimum and pack size.
  const bySupplier = new Map<string, { supplier: ApiSupplier; lines: PurchaseLineReason[]; itemIds: string[]; totalMinor: Dec }>();
  for (const entry of backordered) {
    const source = sourcing.get(entry.item.itemId);
    if (!source) throw new Error(`invariant failed: no supplier sells ${entry.item.sku}`);
    const group = bySupplier.get(source.supplier.supplierId) ?? { supplier: source.supplier, lines: [], itemIds: [], totalMinor: new Dec(0) };
    const qty = orderQty(entry.qty, source.supplierItem);
    group.lines.push({ sku: entry.item.sku, qty: qty.toString(), supplierPartNumber: source.supplierItem.supplierPartNumber, reason: 'backorders', backorderedQty: entry.qty.toString(), minOrderQty: source.supplierItem.minOrderQty, packSize: source.supplierItem.packSize });
    group.itemIds.push(entry.item.itemId);
    group.totalMinor = group.totalMinor.plus(qty.times(source.supplierItem.cost).times(100));
    bySupplier.set(source.supplier.supplierId, group);
  }
  // The issue asks to show segregation of duties: when no order passes the threshold, the
  // largest one restocks the supplier's dearest other item until it does (as a buyer would
  // top up an order anyway).
  const groups = [...bySupplier.values()];
  if (!groups.some((group) => group.totalMinor.gt(input.approvalThresholdMinor))) {
    const largest = groups.reduce((a, b) => (b.totalMinor.gt(a.totalMinor) ? b : a));
    const restock = restockLine(input, sourcing, largest.supplier.supplierId, new Set(largest.itemIds), new Dec(input.approvalThresholdMinor).minus(largest.totalMinor));
    largest.lines.push(restock.line);
    largest.itemIds.push(restock.itemId);
  }

  const itemBySku = new Map([...run.items.values()].map((item) => [item.sku, item]));
  const purchaseOrders: PurchaseOrderTrail[] = [];
  for (const group of groups) {
    const draft = await api.post<ApiPurchaseOrder>(
      '/v1/purchase-orders',
      {
        supplierId: group.supplier.supplierId,
        warehouseId: input.warehouseId,
        notes: `qm demo: for backorders ${[...new Set(backordered.flatMap((entry) => entry.orders.map((order) => order.orderNumber)))].join(', ')}`,
        lines: group.lines.map((line) => ({ itemId: itemBySku.get(line.sku)!.itemId, qty: line.qty })),
      },
      { idempotent: true },
    );
    const { refusal, approvedAs } = await approve(input, draft);
    const sent = await api.post<ApiPurchaseOrder>(`/v1/purchase-orders/${draft.purchaseOrderId}/send`, {}, { idempotent: true });
    purchaseOrders.push({
      supplier: { code: group.supplier.code, name: group.supplier.name, bankDetails: input.canSeal ? await bankDetailsOf(api, group.supplier.supplierId) : null },
      purchaseOrder: sent,
      lines: group.lines,
      approvalThresholdMinor: input.approvalThresholdMinor,
      creatorRefusal: refusal,
      approvedAs,
    });
    log(`${sent.poNumber} to ${group.supplier.code}: ${sent.status}${refusal ? ` (creator refused: ${refusal.code}; approved by the second actor)` : ''}`);
  }

  const verifyBeforeReceipt = await input.verify();
  const receipts: ReceiptTrail[] = [];
  for (const po of purchaseOrders) receipts.push(await receiveByScan(input, po, sourcing));
  const verifyAfterReceipt = await input.verify();
  for (const receipt of receipts) await putAway(input, receipt);

  const trail: ProcurementTrail = {
    bankDetails,
    backorders: backordered.flatMap((entry) => entry.orders.map((order) => ({ orderNumber: order.orderNumber, sku: entry.item.sku, qty: order.qty }))),
    purchaseOrders,
    verifyBeforeReceipt,
    receipts,
    verifyAfterReceipt,
    supplierInvoices: [],
    approverKeyId: input.approverKeyId,
  };
  await matchSupplierInvoices(api, trail);
  return trail;
}

/** The backordered lines of the run's orders, per item, oldest order first. */
async function backorderedItems(input: ProcurementInput): Promise<Backordered[]> {
  const byItem = new Map<string, Backordered>();
  for (const orderId of input.trails.keys()) {
    const order = await input.api.get<ApiOrder>(`/v1/sales-orders/${orderId}`);
    for (const line of order.lines.filter((candidate) => new Dec(candidate.qtyBackordered).gt(0))) {
      const item = input.run.items.get(line.itemId)!;
      const entry = byItem.get(line.itemId) ?? { item, qty: new Dec(0), orders: [] };
      entry.qty = entry.qty.plus(line.qtyBackordered);
      entry.orders.push({ orderNumber: order.orderNumber, qty: new Dec(line.qtyBackordered).toString() });
      byItem.set(line.itemId, entry);
    }
  }
  return [...byItem.values()];
}

/** Item → its supplier and supplier item (the seed gives every item one supplier). */
async function supplierItemsByItem(api: DemoApi): Promise<Map<string, Sourcing>> {
  const out = new Map<string, Sourcing>();
  for (const supplier of await api.list<ApiSupplier>('/v1/suppliers')) {
    const { data } = await api.get<{ data: ApiSupplierItem[] }>(`/v1/suppliers/${supplier.supplierId}/items`, { active: 'true' });
    for (const supplierItem of data) if (!out.has(supplierItem.itemId)) out.set(supplierItem.itemId, { supplier, supplierItem });
  }
  return out;
}

function restockLine(input: ProcurementInput, sourcing: Map<string, Sourcing>, supplierId: string, exclude: Set<string>, shortMinor: Dec): { line: PurchaseLineReason; itemId: string } {
  let best: { item: ApiItem; supplierItem: ApiSupplierItem } | null = null;
  for (const [itemId, source] of sourcing) {
    const item = input.run.items.get(itemId);
    if (source.supplier.supplierId !== supplierId || exclude.has(itemId) || !item || !item.active || !item.gtin) continue;
    if (!best || new Dec(source.supplierItem.cost).gt(best.supplierItem.cost)) best = { item, supplierItem: source.supplierItem };
  }
  if (!best) throw new Error('invariant failed: the supplier sells nothing else to restock');
  const costMinor = new Dec(best.supplierItem.cost).times(100);
  const qty = orderQty(shortMinor.div(costMinor).floor().plus(1), best.supplierItem);
  return {
    itemId: best.item.itemId,
    line: { sku: best.item.sku, qty: qty.toString(), supplierPartNumber: best.supplierItem.supplierPartNumber, reason: 'restock', backorderedQty: '0', minOrderQty: best.supplierItem.minOrderQty, packSize: best.supplierItem.packSize },
  };
}

/** DEMO_SUPPLIER_BANK's supplier gets its bank details once (sealed with the tenant key); later runs read them back masked. */
async function ensureBankDetails(api: DemoApi, sourcing: Map<string, Sourcing>): Promise<ProcurementTrail['bankDetails']> {
  const supplier = [...sourcing.values()].find((source) => source.supplier.code === DEMO_SUPPLIER_BANK.supplierCode)?.supplier;
  if (!supplier) throw new Error(`invariant failed: the demo tenant has no supplier ${DEMO_SUPPLIER_BANK.supplierCode}`);
  const existing = await bankDetailsOf(api, supplier.supplierId);
  if (existing) return { supplierCode: supplier.code, shown: existing, enteredNow: false };
  const { supplierCode: _code, ...body } = DEMO_SUPPLIER_BANK;
  await api.put(`/v1/suppliers/${supplier.supplierId}/bank-details`, body);
  return { supplierCode: supplier.code, shown: (await bankDetailsOf(api, supplier.supplierId))!, enteredNow: true };
}

/** Above the threshold the creator's own approval must be refused (and is shown); the second actor then approves. */
async function approve(input: ProcurementInput, draft: ApiPurchaseOrder): Promise<{ refusal: PurchaseOrderTrail['creatorRefusal']; approvedAs: PurchaseOrderTrail['approvedAs'] }> {
  const path = `/v1/purchase-orders/${draft.purchaseOrderId}/approve`;
  if (draft.totalMinor <= input.approvalThresholdMinor) {
    await input.api.post(path, {}, { idempotent: true });
    return { refusal: null, approvedAs: 'creator' };
  }
  let refusal: PurchaseOrderTrail['creatorRefusal'] = null;
  try {
    await input.api.post(path, {}, { idempotent: true });
  } catch (error) {
    if (!(error instanceof DemoApiError) || error.code !== 'PO_APPROVER_IS_CREATOR') throw error;
    refusal = { status: error.status, code: error.code };
  }
  if (!refusal) throw new Error(`invariant failed: the creator approved ${draft.poNumber} above the threshold`);
  await input.approver.post(path, {}, { idempotent: true });
  return { refusal, approvedAs: 'second actor' };
}

async function bankDetailsOf(api: DemoApi, supplierId: string): Promise<string | null> {
  try {
    const bank = await api.get<{ accountHolder: string; accountNumberMasked: string; routingMasked: string | null }>(`/v1/suppliers/${supplierId}/bank-details`);
    return `${bank.accountHolder}, account ${bank.accountNumberMasked}${bank.routingMasked ? `, routing ${bank.routingMasked}` : ''} (sealed, shown masked)`;
  } catch (error) {
    if (error instanceof DemoApiError && error.status === 404) return null;
    throw error;
  }
}

/** The whole PO received in one scan session (one receipt): the first scan is the supplier's part number, the others GTINs. */
async function receiveByScan(input: ProcurementInput, po: PurchaseOrderTrail, sourcing: Map<string, Sourcing>): Promise<ReceiptTrail> {
  // A one-line order is received in two scans of the same item (part number, then GTIN), so
  // both ways of identifying an item show in every run.
  const parts = po.purchaseOrder.lines.flatMap((line) => {
    const open = new Dec(line.qty).minus(line.qtyReceived);
    if (po.purchaseOrder.lines.length > 1 || open.lt(2)) return [{ itemId: line.itemId, qty: open }];
    const half = open.div(2).floor();
    return [{ itemId: line.itemId, qty: half }, { itemId: line.itemId, qty: open.minus(half) }];
  });
  const scans = parts.map((part, index) => {
    const item = input.run.items.get(part.itemId)!;
    const partNumber = sourcing.get(part.itemId)!.supplierItem.supplierPartNumber;
    const [scan, scannedAs] = index === 0 ? [partNumber, 'supplier part number' as const] : item.gtin ? [item.gtin, 'GTIN' as const] : [item.sku, 'SKU' as const];
    return { sku: item.sku, scan, scannedAs, qty: part.qty.toString() };
  });
  const receipt = await input.api.post<ApiReceipt>(
    '/v1/receipts',
    { purchaseOrderId: po.purchaseOrder.purchaseOrderId, warehouseId: input.warehouseId, lines: scans.map((scan) => ({ scan: scan.scan, qty: scan.qty })) },
    { idempotent: true },
  );
  const released = await Promise.all(
    receipt.backordersReleased.map(async (row) => {
      const order = input.trails.get(row.orderId)?.atConfirm ?? (await input.api.get<ApiOrder>(`/v1/sales-orders/${row.orderId}`));
      const line = order.lines.find((candidate) => candidate.lineId === row.lineId);
      return { orderId: row.orderId, orderNumber: order.orderNumber, lineId: row.lineId, sku: input.run.items.get(line?.itemId ?? '')?.sku ?? '?', qty: new Dec(row.qty).toString() };
    }),
  );
  input.log(`${receipt.receiptNumber} for ${receipt.poNumber}: ${released.length} backordered line(s) released`);
  return { receipt, scans, released, putaways: [] };
}

/** Each putaway task confirmed by scanning the suggested storage bin (else the first in walk order) and the item. */
async function putAway(input: ProcurementInput, receipt: ReceiptTrail): Promise<void> {
  const tasks = await input.api.list<ApiPutawayTask>('/v1/putaway-tasks', { receiptId: receipt.receipt.receiptId, status: 'open' });
  let fallbackBin: string | null = null;
  for (const task of tasks) {
    const item = input.run.items.get(task.itemId)!;
    if (!task.suggestedBinCode && !fallbackBin) {
      const bins = await input.api.list<ApiBin>(`/v1/warehouses/${task.warehouseId}/bins`, { kind: 'storage' });
      fallbackBin = bins.find((bin) => bin.active)?.code ?? null;
      if (!fallbackBin) throw new Error('invariant failed: the warehouse has no storage bin to put away into');
    }
    const toBinCode = task.suggestedBinCode ?? fallbackBin!;
    const done = await input.api.post<ApiPutawayTask>(`/v1/putaway-tasks/${task.taskId}/confirm`, { binScan: toBinCode, itemScan: item.gtin ?? item.sku, qty: task.qtyRemaining }, { idempotent: true });
    receipt.putaways.push({ sku: item.sku, fromBinCode: task.fromBinCode, toBinCode, qty: new Dec(task.qtyRemaining).toString(), status: done.status });
  }
}
