import { sql } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { STOCK_LOCK_KEYS_MAX } from '../../platform/limits.ts';
import { decimalString, Dec, minorFromDb } from '../../platform/money.ts';

/**
 * Stock balances: one row per (item, warehouse) holding on-hand, reserved and
 * value — the one hot row of the posting path (DESIGN §2a). Every writer locks
 * the rows it touches through lockStockBalances, in (item_id, warehouse_id)
 * order, so no two business events can wait on each other in a cycle.
 */

export interface StockBalance {
  itemId: string;
  warehouseId: string;
  onHand: string;
  reserved: string;
  available: string;
  valueMinor: number;
}

export interface BalanceRef {
  itemId: string;
  warehouseId: string;
}

export const balanceKey = (itemId: string, warehouseId: string): string => `${itemId}/${warehouseId}`;

/**
 * Lock order step 3 (DESIGN §2a). Sorts and de-duplicates the keys, makes sure
 * each row exists and takes FOR NO KEY UPDATE on all of them in key order.
 *
 * Why the two paths: an INSERT of a missing row holds that row until commit, so
 * inserting missing rows first and locking the existing ones after would take
 * locks out of key order (new B before existing A) and could deadlock with a
 * transaction locking A then B. When every row exists (the usual case) one
 * ordered SELECT … FOR NO KEY UPDATE does it — PostgreSQL locks rows after the
 * sort, so in key order. Otherwise each key is created-if-missing and locked
 * one at a time, in key order.
 *
 * uuid ordering in PostgreSQL is bytewise, the same as comparing lower-case
 * hex strings, so the JS sort and the SQL ORDER BY agree.
 */
export async function lockStockBalances(tx: Tx, ctx: OperationContext, keys: BalanceRef[]): Promise<Map<string, StockBalance>> {
  const sorted = sortedUniqueKeys(keys);
  invariant(sorted.length <= STOCK_LOCK_KEYS_MAX, `lockStockBalances takes at most ${STOCK_LOCK_KEYS_MAX} keys`);
  const result = new Map<string, StockBalance>();
  if (sorted.length === 0) return result;

  const itemIds = sorted.map((key) => key.itemId);
  const warehouseIds = sorted.map((key) => key.warehouseId);
  const existing = await sql<{ n: string }>`
    select count(*) as n from stock_balances b
    join unnest(${itemIds}::uuid[], ${warehouseIds}::uuid[]) as k(item_id, warehouse_id)
      on b.item_id = k.item_id and b.warehouse_id = k.warehouse_id
    where b.tenant_id = ${ctx.tenantId}`.execute(tx);
  if (Number(existing.rows[0]!.n) === sorted.length) {
    const rows = await sql<BalanceRow>`
      select b.item_id, b.warehouse_id, b.on_hand, b.reserved, b.value_minor from stock_balances b
      join unnest(${itemIds}::uuid[], ${warehouseIds}::uuid[]) as k(item_id, warehouse_id)
        on b.item_id = k.item_id and b.warehouse_id = k.warehouse_id
      where b.tenant_id = ${ctx.tenantId}
      order by b.item_id, b.warehouse_id
      for no key update of b`.execute(tx);
    for (const row of rows.rows) result.set(balanceKey(row.item_id, row.warehouse_id), toStockBalance(row));
  } else {
    for (const key of sorted) {
      await tx
        .insertInto('stock_balances')
        .values({ tenant_id: ctx.tenantId, item_id: key.itemId, warehouse_id: key.warehouseId, updated_at: ctx.clock.now() })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'item_id', 'warehouse_id']).doNothing())
        .execute();
      const row = await tx
        .selectFrom('stock_balances')
        .select(['item_id', 'warehouse_id', 'on_hand', 'reserved', 'value_minor'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('item_id', '=', key.itemId)
        .where('warehouse_id', '=', key.warehouseId)
        .forNoKeyUpdate()
        .executeTakeFirstOrThrow();
      result.set(balanceKey(row.item_id, row.warehouse_id), toStockBalance(row));
    }
  }
  invariant(result.size === sorted.length, 'every requested stock balance is locked');
  return result;
}

export function sortedUniqueKeys(keys: BalanceRef[]): BalanceRef[] {
  const unique = new Map<string, BalanceRef>();
  for (const key of keys) unique.set(balanceKey(key.itemId, key.warehouseId), { itemId: key.itemId, warehouseId: key.warehouseId });
  return [...unique.values()].sort((a, b) => compare(a.itemId, b.itemId) || compare(a.warehouseId, b.warehouseId));
}

function compare(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Writes a locked balance's new position (the caller holds its lock). */
export async function writeStockBalance(tx: Tx, ctx: OperationContext, balance: Omit<StockBalance, 'available'>): Promise<void> {
  await tx
    .updateTable('stock_balances')
    .set({ on_hand: balance.onHand, reserved: balance.reserved, value_minor: balance.valueMinor, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', balance.itemId)
    .where('warehouse_id', '=', balance.warehouseId)
    .executeTakeFirstOrThrow();
}

export interface StockBalanceFilter {
  itemId?: string | undefined;
  warehouseId?: string | undefined;
}

/** Balances, keyset-paginated on (item_id, warehouse_id); the cursor carries the balance key. */
export async function listStockBalances(tx: Tx, ctx: OperationContext, page: PageRequest, filter: StockBalanceFilter = {}): Promise<Page<StockBalance>> {
  let query = tx
    .selectFrom('stock_balances')
    .select(['item_id', 'warehouse_id', 'on_hand', 'reserved', 'value_minor'])
    .where('tenant_id', '=', ctx.tenantId);
  if (filter.itemId) query = query.where('item_id', '=', filter.itemId);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (page.after) {
    const [itemId, warehouseId] = page.after.split('/');
    if (!itemId || !warehouseId || !UUID.test(itemId) || !UUID.test(warehouseId)) throw new AppError('CURSOR_INVALID', 'the cursor was not issued by this list');
    query = query.where(sql<boolean>`(item_id, warehouse_id) > (${itemId}::uuid, ${warehouseId}::uuid)`);
  }
  const rows = await query.orderBy('item_id').orderBy('warehouse_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toStockBalance), page, (balance) => balanceKey(balance.itemId, balance.warehouseId));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BalanceRow {
  item_id: string;
  warehouse_id: string;
  on_hand: string;
  reserved: string;
  value_minor: string | number;
}

export function toStockBalance(row: BalanceRow): StockBalance {
  const onHand = new Dec(row.on_hand);
  const reserved = new Dec(row.reserved);
  return {
    itemId: row.item_id,
    warehouseId: row.warehouse_id,
    onHand: decimalString(onHand),
    reserved: decimalString(reserved),
    available: decimalString(onHand.minus(reserved)),
    valueMinor: minorFromDb(row.value_minor),
  };
}
