import { sql } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { decimalString } from '../../platform/money.ts';
import { BACKORDER_RELEASE_STATUSES } from './rules/order-status.rules.ts';

/**
 * Backordered demand: the quantity of each open order line still waiting for stock, the
 * warehouse it waits in and the date it is wanted. A backordered line reserves nothing, so
 * its warehouse is the one backorder release would serve it from first: the warehouse
 * the order already holds stock in when the customer refuses split shipments, else the
 * ship-to's default warehouse, else the customer's, else the first active warehouse in
 * allocation order (the same preference as sales-allocation.service). Its date is the
 * line's requested date, else the order's, else null (the caller reads "now").
 */

export interface BackorderDemandLine {
  orderId: string;
  orderNumber: string;
  lineId: string;
  itemId: string;
  warehouseId: string;
  qtyBackordered: string;
  requestedDate: string | null;
}

export async function listBackorderDemand(
  tx: Tx,
  ctx: OperationContext,
  filter: { itemId?: string | undefined; warehouseId?: string | undefined } = {},
): Promise<BackorderDemandLine[]> {
  const { rows } = await sql<{ order_id: string; order_number: string; line_id: string; item_id: string; warehouse_id: string | null; qty: string; requested: string | null }>`
    with first_warehouse as (
      select warehouse_id from warehouses
       where tenant_id = ${ctx.tenantId} and active
       order by allocation_priority, code limit 1
    ), demand as (
      select o.order_id, o.order_number, l.line_id, l.item_id, l.qty_backordered::text as qty,
             to_char(coalesce(l.requested_date, o.requested_date), 'YYYY-MM-DD') as requested,
             coalesce(
               case when not c.allow_split_warehouses then
                 (select r.warehouse_id from reservations r
                   where r.tenant_id = o.tenant_id and r.order_id = o.order_id and r.status = 'open'
                   order by r.reservation_id limit 1) end,
               (select w.warehouse_id from warehouses w where w.tenant_id = st.tenant_id and w.warehouse_id = st.default_warehouse_id and w.active),
               (select w.warehouse_id from warehouses w where w.tenant_id = c.tenant_id and w.warehouse_id = c.default_warehouse_id and w.active),
               (select warehouse_id from first_warehouse)
             ) as warehouse_id
        from sales_order_lines l
        join sales_orders o on o.tenant_id = l.tenant_id and o.order_id = l.order_id
        join customers c on c.tenant_id = o.tenant_id and c.customer_id = o.customer_id
        left join ship_tos st on st.tenant_id = o.tenant_id and st.ship_to_id = o.ship_to_id
       where l.tenant_id = ${ctx.tenantId}
         and l.qty_backordered > 0
         and o.status in (${sql.join([...BACKORDER_RELEASE_STATUSES])})
         ${filter.itemId !== undefined ? sql`and l.item_id = ${filter.itemId}` : sql``}
    )
    select * from demand
     where warehouse_id is not null
       ${filter.warehouseId !== undefined ? sql`and warehouse_id = ${filter.warehouseId}` : sql``}
     order by order_id, line_id`.execute(tx);
  return rows.map((row) => ({
    orderId: row.order_id,
    orderNumber: row.order_number,
    lineId: row.line_id,
    itemId: row.item_id,
    warehouseId: row.warehouse_id!,
    qtyBackordered: decimalString(row.qty),
    requestedDate: row.requested,
  }));
}
