import { sql } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';

/**
 * The inventory identities of `qm verify` (DOMAIN.md): every stock balance
 * equals the sum of its movements, in quantity and in value; reserved equals
 * the sum of open reservations; every bin balance equals the sum of the
 * movements through that bin. Returns one entry per broken identity; empty
 * when the books agree. Read-only and set-based: one query per identity.
 */
export async function verifyInventory(tx: Tx, ctx: OperationContext): Promise<Array<{ itemId: string; warehouseId: string; problem: string }>> {
  const ledger = await sql<{ item_id: string; warehouse_id: string; on_hand: string | null; value_minor: string | null; moved_qty: string | null; moved_value: string | null }>`
    with moved as (
      select item_id, warehouse_id, sum(qty) as qty, sum(value_minor) as value_minor
      from stock_movements where tenant_id = ${ctx.tenantId}
      group by item_id, warehouse_id
    )
    select coalesce(b.item_id, m.item_id) as item_id, coalesce(b.warehouse_id, m.warehouse_id) as warehouse_id,
      b.on_hand, b.value_minor, m.qty as moved_qty, m.value_minor as moved_value
    from (select * from stock_balances where tenant_id = ${ctx.tenantId}) b
    full join moved m on m.item_id = b.item_id and m.warehouse_id = b.warehouse_id
    where coalesce(b.on_hand, 0) <> coalesce(m.qty, 0) or coalesce(b.value_minor, 0) <> coalesce(m.value_minor, 0)
    order by 1, 2`.execute(tx);

  const reserved = await sql<{ item_id: string; warehouse_id: string; reserved: string | null; open_qty: string | null }>`
    with open as (
      select item_id, warehouse_id, sum(qty) as qty
      from reservations where tenant_id = ${ctx.tenantId} and status = 'open'
      group by item_id, warehouse_id
    )
    select coalesce(b.item_id, o.item_id) as item_id, coalesce(b.warehouse_id, o.warehouse_id) as warehouse_id,
      b.reserved, o.qty as open_qty
    from (select * from stock_balances where tenant_id = ${ctx.tenantId}) b
    full join open o on o.item_id = b.item_id and o.warehouse_id = b.warehouse_id
    where coalesce(b.reserved, 0) <> coalesce(o.qty, 0)
    order by 1, 2`.execute(tx);

  const bins = await sql<{ item_id: string; warehouse_id: string; bin_id: string; on_hand: string | null; moved_qty: string | null }>`
    with moved as (
      select item_id, bin_id, min(warehouse_id::text)::uuid as warehouse_id, sum(qty) as qty
      from stock_movements where tenant_id = ${ctx.tenantId} and bin_id is not null
      group by item_id, bin_id
    )
    select coalesce(b.item_id, m.item_id) as item_id, coalesce(b.warehouse_id, m.warehouse_id) as warehouse_id,
      coalesce(b.bin_id, m.bin_id) as bin_id, b.on_hand, m.qty as moved_qty
    from (select * from bin_balances where tenant_id = ${ctx.tenantId}) b
    full join moved m on m.item_id = b.item_id and m.bin_id = b.bin_id
    where coalesce(b.on_hand, 0) <> coalesce(m.qty, 0)
    order by 1, 3`.execute(tx);

  const problems: Array<{ itemId: string; warehouseId: string; problem: string }> = [];
  for (const row of ledger.rows) {
    problems.push({
      itemId: row.item_id,
      warehouseId: row.warehouse_id,
      problem: `balance on hand ${row.on_hand ?? 'missing'} value ${row.value_minor ?? 'missing'} ≠ Σ movements qty ${row.moved_qty ?? 0} value ${row.moved_value ?? 0}`,
    });
  }
  for (const row of reserved.rows) {
    problems.push({
      itemId: row.item_id,
      warehouseId: row.warehouse_id,
      problem: `reserved ${row.reserved ?? 'missing'} ≠ Σ open reservations ${row.open_qty ?? 0}`,
    });
  }
  for (const row of bins.rows) {
    problems.push({
      itemId: row.item_id,
      warehouseId: row.warehouse_id,
      problem: `bin ${row.bin_id} on hand ${row.on_hand ?? 'missing'} ≠ Σ movements through it ${row.moved_qty ?? 0}`,
    });
  }
  return problems;
}
