import { sql } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { decimalString } from '../../platform/money.ts';
import type { PurchaseOrderStatus } from './rules/purchase-order.rules.ts';

/**
 * Open purchase-order supply: what is still to arrive on open lines, with the date it is
 * expected. ATP by date counts the orders committed to a supplier (approved, sent,
 * partially received); replenishment also counts drafts, so that the draft orders it
 * created itself are not suggested again (docs/replenishment.md).
 */

/** POs whose open lines are a promise from the supplier: ATP by date counts these. */
export const COMMITTED_SUPPLY_STATUSES = ['approved', 'sent', 'partially_received'] as const satisfies readonly PurchaseOrderStatus[];
/** Replenishment adds drafts: an order being prepared is supply the buyer already intends. */
export const PLANNED_SUPPLY_STATUSES = ['draft', ...COMMITTED_SUPPLY_STATUSES] as const satisfies readonly PurchaseOrderStatus[];

export interface OpenSupplyLine {
  purchaseOrderId: string;
  poNumber: string;
  poStatus: PurchaseOrderStatus;
  itemId: string;
  warehouseId: string;
  /** qty − qty_received, > 0. */
  qtyRemaining: string;
  /** The line's expected date, else the PO's, else order date + the supplier item's lead time (0 without one). May be in the past. */
  expectedDate: string;
}

export async function listOpenSupply(
  tx: Tx,
  ctx: OperationContext,
  filter: { statuses: readonly PurchaseOrderStatus[]; itemId?: string | undefined; warehouseId?: string | undefined },
): Promise<OpenSupplyLine[]> {
  const { rows } = await sql<{ po_id: string; po_number: string; status: string; item_id: string; warehouse_id: string; remaining: string; expected: string }>`
    select po.po_id, po.po_number, po.status, l.item_id, po.warehouse_id,
           (l.qty - l.qty_received)::text as remaining,
           to_char(coalesce(l.expected_date, po.expected_date, po.order_date + coalesce(si.lead_time_days, 0)), 'YYYY-MM-DD') as expected
      from purchase_order_lines l
      join purchase_orders po on po.tenant_id = l.tenant_id and po.po_id = l.po_id
      left join supplier_items si on si.tenant_id = po.tenant_id and si.supplier_id = po.supplier_id and si.item_id = l.item_id
     where l.tenant_id = ${ctx.tenantId}
       and l.status in ('open', 'partially_received')
       and l.qty > l.qty_received
       and po.status in (${sql.join([...filter.statuses])})
       ${filter.itemId !== undefined ? sql`and l.item_id = ${filter.itemId}` : sql``}
       ${filter.warehouseId !== undefined ? sql`and po.warehouse_id = ${filter.warehouseId}` : sql``}
     order by expected, po.po_number, l.line_number`.execute(tx);
  return rows.map((row) => ({
    purchaseOrderId: row.po_id,
    poNumber: row.po_number,
    poStatus: row.status as PurchaseOrderStatus,
    itemId: row.item_id,
    warehouseId: row.warehouse_id,
    qtyRemaining: decimalString(row.remaining),
    expectedDate: row.expected,
  }));
}

export interface SupplierOffer {
  supplierId: string;
  supplierCode: string;
  itemId: string;
  cost: string;
  leadTimeDays: number;
  minOrderQty: string;
  packSize: string;
}

/** The active supplier items of active suppliers for these items: what replenishment may order from. */
export async function listActiveSupplierOffers(tx: Tx, ctx: OperationContext, itemIds: string[]): Promise<SupplierOffer[]> {
  if (itemIds.length === 0) return [];
  const rows = await tx
    .selectFrom('supplier_items as si')
    .innerJoin('suppliers as s', (join) => join.onRef('s.tenant_id', '=', 'si.tenant_id').onRef('s.supplier_id', '=', 'si.supplier_id'))
    .select(['si.supplier_id', 's.code', 'si.item_id', 'si.cost', 'si.lead_time_days', 'si.min_order_qty', 'si.pack_size'])
    .where('si.tenant_id', '=', ctx.tenantId)
    .where('si.item_id', 'in', itemIds)
    .where('si.active', '=', true)
    .where('s.active', '=', true)
    .orderBy('si.item_id')
    .orderBy('s.code')
    .execute();
  return rows.map((row) => ({
    supplierId: row.supplier_id,
    supplierCode: row.code,
    itemId: row.item_id,
    cost: decimalString(row.cost),
    leadTimeDays: row.lead_time_days,
    minOrderQty: decimalString(row.min_order_qty),
    packSize: decimalString(row.pack_size),
  }));
}
