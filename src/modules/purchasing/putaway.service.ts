import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { PutawayTasks } from '../../platform/db/schema.generated.ts';
import type { Selectable } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { decimalString, Dec, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { activeHomeBin, moveStockBetweenBins } from '../inventory/index.ts';
import { itemOfSupplierScan } from './supplier-scans.queries.ts';

/**
 * Putaway: each receipt line that landed in a bin becomes a task to move it to
 * storage. The suggested bin is the item's home bin in the warehouse when it is set
 * and still an active storage bin; else the active storage bin already holding most
 * of the item (then walk order); with none, the associate scans any active storage bin. Confirmation is by scan, like picking (docs/warehouse.md):
 * every check before the first write; the move is inventory.moveStockBetweenBins
 * (value 0, the (item, warehouse) balance untouched). Lock order: the task row,
 * then the two bin rows (inside the move).
 */

export type PutawayTaskStatus = 'open' | 'done' | 'cancelled';
type TaskRow = Selectable<PutawayTasks>;

export interface PutawayTask {
  taskId: string;
  receiptId: string;
  receiptLineNumber: number;
  warehouseId: string;
  itemId: string;
  /** The item's SKU and GTIN, so a client can build the item scan. */
  sku: string;
  gtin: string | null;
  fromBinId: string;
  fromBinCode: string;
  suggestedBinId: string | null;
  suggestedBinCode: string | null;
  qty: string;
  qtyPutAway: string;
  qtyRemaining: string;
  /** Open and the from-bin holds less than qtyRemaining (e.g. a wave picked from it): GET …/next skips it; cancel it. */
  fromBinShort: boolean;
  status: PutawayTaskStatus;
  assignedTo: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

async function toTasks(tx: Tx, ctx: OperationContext, rows: TaskRow[]): Promise<PutawayTask[]> {
  if (rows.length === 0) return [];
  const binIds = [...new Set(rows.flatMap((row) => [row.from_bin_id, row.suggested_bin_id]).filter((id): id is string => id !== null))];
  const itemIds = [...new Set(rows.map((row) => row.item_id))];
  const bins = await tx.selectFrom('bins').select(['bin_id', 'code']).where('tenant_id', '=', ctx.tenantId).where('bin_id', 'in', binIds).execute();
  const items = await tx.selectFrom('items').select(['item_id', 'sku', 'gtin']).where('tenant_id', '=', ctx.tenantId).where('item_id', 'in', itemIds).execute();
  const held = await tx
    .selectFrom('bin_balances')
    .select(['item_id', 'bin_id', 'on_hand'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', 'in', itemIds)
    .where('bin_id', 'in', binIds)
    .execute();
  const code = new Map(bins.map((bin) => [bin.bin_id, bin.code]));
  const item = new Map(items.map((row) => [row.item_id, row]));
  const onHand = new Map(held.map((row) => [`${row.item_id}/${row.bin_id}`, row.on_hand]));
  return rows.map((row) => {
    // A task closed short or cancelled has nothing left to put away.
    const remaining = row.status === 'open' ? new Dec(row.qty).minus(row.qty_put_away) : new Dec(0);
    const inBin = new Dec(onHand.get(`${row.item_id}/${row.from_bin_id}`) ?? '0');
    return {
      taskId: row.task_id,
      receiptId: row.receipt_id,
      receiptLineNumber: row.receipt_line_number,
      warehouseId: row.warehouse_id,
      itemId: row.item_id,
      sku: item.get(row.item_id)?.sku ?? '',
      gtin: item.get(row.item_id)?.gtin ?? null,
      fromBinId: row.from_bin_id,
      fromBinCode: code.get(row.from_bin_id) ?? '',
      suggestedBinId: row.suggested_bin_id,
      suggestedBinCode: row.suggested_bin_id ? (code.get(row.suggested_bin_id) ?? null) : null,
      qty: decimalString(row.qty),
      qtyPutAway: decimalString(row.qty_put_away),
      qtyRemaining: remaining.toFixed(),
      fromBinShort: row.status === 'open' && inBin.lt(remaining),
      status: row.status as PutawayTaskStatus,
      assignedTo: row.assigned_to,
      createdAt: row.created_at,
      completedAt: row.completed_at,
    };
  });
}

/** The storage bin suggested for an item: its active home bin, else the one holding most of it, then walk order. */
async function suggestedBin(tx: Tx, ctx: OperationContext, warehouseId: string, itemId: string): Promise<string | null> {
  const home = await activeHomeBin(tx, ctx, itemId, warehouseId);
  if (home !== null) return home;
  const row = await tx
    .selectFrom('bin_balances as bb')
    .innerJoin('bins as b', (join) => join.onRef('b.tenant_id', '=', 'bb.tenant_id').onRef('b.bin_id', '=', 'bb.bin_id'))
    .select('b.bin_id')
    .where('bb.tenant_id', '=', ctx.tenantId)
    .where('bb.item_id', '=', itemId)
    .where('b.warehouse_id', '=', warehouseId)
    .where('b.kind', '=', 'storage')
    .where('b.active', '=', true)
    .where('bb.on_hand', '>', '0')
    .orderBy('bb.on_hand', 'desc')
    .orderBy('b.pick_sequence')
    .orderBy('b.code')
    .limit(1)
    .executeTakeFirst();
  return row?.bin_id ?? null;
}

/** Called inside the receipt: one task per line that landed in a bin (stock without a bin has nothing to move). */
export async function createPutawayTasks(
  tx: Tx,
  ctx: OperationContext,
  input: { receiptId: string; warehouseId: string; lines: Array<{ lineNumber: number; itemId: string; qty: string; binId: string | null }> },
): Promise<string[]> {
  const ids: string[] = [];
  for (const line of input.lines) {
    if (line.binId === null) continue;
    const suggested = await suggestedBin(tx, ctx, input.warehouseId, line.itemId);
    const taskId = newId();
    await tx
      .insertInto('putaway_tasks')
      .values({
        tenant_id: ctx.tenantId,
        task_id: taskId,
        receipt_id: input.receiptId,
        receipt_line_number: line.lineNumber,
        warehouse_id: input.warehouseId,
        item_id: line.itemId,
        from_bin_id: line.binId,
        suggested_bin_id: suggested === line.binId ? null : suggested,
        qty: line.qty,
        created_at: ctx.clock.now(),
      })
      .execute();
    ids.push(taskId);
  }
  return ids;
}

export interface PutawayTaskFilter {
  warehouseId?: string | undefined;
  receiptId?: string | undefined;
  itemId?: string | undefined;
  status?: PutawayTaskStatus | undefined;
  assignedTo?: string | undefined;
}

export async function listPutawayTasks(tx: Tx, ctx: OperationContext, page: PageRequest, filter: PutawayTaskFilter = {}): Promise<Page<PutawayTask>> {
  let query = tx.selectFrom('putaway_tasks').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.receiptId) query = query.where('receipt_id', '=', filter.receiptId);
  if (filter.itemId) query = query.where('item_id', '=', filter.itemId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.assignedTo) query = query.where('assigned_to', '=', filter.assignedTo);
  if (page.after) query = query.where('task_id', '>', page.after);
  const rows = await query.orderBy('task_id').limit(page.limit + 1).execute();
  return toPage(await toTasks(tx, ctx, rows), page, (task) => task.taskId);
}

export async function getPutawayTaskOrThrow(tx: Tx, ctx: OperationContext, taskId: string): Promise<PutawayTask> {
  const row = await tx.selectFrom('putaway_tasks').selectAll().where('tenant_id', '=', ctx.tenantId).where('task_id', '=', taskId).executeTakeFirst();
  if (!row) throw new AppError('PUTAWAY_TASK_NOT_FOUND', `no putaway task ${taskId}`);
  return (await toTasks(tx, ctx, [row]))[0]!;
}

/**
 * My oldest open task in the warehouse; when I have none, the oldest unassigned
 * one is claimed for me (SKIP LOCKED: two associates asking at once never get the
 * same task and neither waits). null when nothing is left.
 */
export async function nextPutawayTask(tx: Tx, ctx: OperationContext, input: { warehouseId?: string | undefined }): Promise<PutawayTask | null> {
  const me = actorRef(ctx.actor);
  const open = () => {
    // A task whose from-bin no longer holds its remainder cannot be confirmed: never hand it out (it is listed with fromBinShort).
    let query = tx
      .selectFrom('putaway_tasks as t')
      .selectAll('t')
      .where('t.tenant_id', '=', ctx.tenantId)
      .where('t.status', '=', 'open')
      .where(
        sql<boolean>`coalesce((select bb.on_hand from bin_balances bb where bb.tenant_id = t.tenant_id and bb.item_id = t.item_id and bb.bin_id = t.from_bin_id), 0) >= t.qty - t.qty_put_away`,
      );
    if (input.warehouseId) query = query.where('t.warehouse_id', '=', input.warehouseId);
    return query;
  };
  const mine = await open().where('t.assigned_to', '=', me).orderBy('t.created_at').orderBy('t.task_id').limit(1).executeTakeFirst();
  if (mine) return (await toTasks(tx, ctx, [mine]))[0]!;
  const free = await open().where('t.assigned_to', 'is', null).orderBy('t.created_at').orderBy('t.task_id').limit(1).forNoKeyUpdate().skipLocked().executeTakeFirst();
  if (!free) return null;
  const claimed = await tx.updateTable('putaway_tasks').set({ assigned_to: me }).where('tenant_id', '=', ctx.tenantId).where('task_id', '=', free.task_id).returningAll().executeTakeFirstOrThrow();
  return (await toTasks(tx, ctx, [claimed]))[0]!;
}

export interface ConfirmPutawayInput {
  taskId: string;
  /** The destination bin's code, as scanned (case-insensitive): any active storage bin of the warehouse. */
  binScan: string;
  /** The PO supplier's part number, the item's GTIN or its SKU, as scanned (receiving's order). */
  itemScan: string;
  qty: string;
  /**
   * The source bin holds less than the task's rest (a wave picked from the receiving bin first):
   * move what it holds for this task (beyond the other open tasks of the item there) and close the
   * task — else it could never be completed.
   */
  short?: boolean | undefined;
}

export async function confirmPutawayTask(tx: Tx, ctx: OperationContext, input: ConfirmPutawayInput): Promise<PutawayTask> {
  if (input.short) await lockSiblingTasks(tx, ctx, input.taskId);
  const task = await tx.selectFrom('putaway_tasks').selectAll().where('tenant_id', '=', ctx.tenantId).where('task_id', '=', input.taskId).forNoKeyUpdate().executeTakeFirst();
  if (!task) throw new AppError('PUTAWAY_TASK_NOT_FOUND', `no putaway task ${input.taskId}`);
  if (task.status !== 'open') throw new AppError('PUTAWAY_TASK_NOT_OPEN', `the putaway task is ${task.status}`);
  const me = actorRef(ctx.actor);
  if (task.assigned_to !== null && task.assigned_to !== me) throw new AppError('PUTAWAY_TASK_ASSIGNED_TO_OTHER', 'the putaway task is assigned to someone else');
  const binCode = input.binScan.trim();
  const bin = await tx
    .selectFrom('bins')
    .select(['bin_id', 'code'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('warehouse_id', '=', task.warehouse_id)
    .where('kind', '=', 'storage')
    .where('active', '=', true)
    .where(sql<boolean>`upper(code) = ${binCode.toUpperCase()}`)
    .executeTakeFirst();
  if (!bin) throw new AppError('PUTAWAY_BIN_INVALID', `${binCode} is not an active storage bin of the warehouse`);
  const scanned = await itemOfSupplierScan(tx, ctx, await supplierOfReceipt(tx, ctx, task.receipt_id), input.itemScan);
  if (scanned.itemId !== task.item_id) throw new AppError('PUTAWAY_ITEM_MISMATCH', `${input.itemScan.trim()} is not the item of the task`);
  const qty = parseDecimal(input.qty, '/qty');
  if (!qty.gt(0)) throw new AppError('VALIDATION_FAILED', 'qty is positive', [{ field: '/qty', message: 'is not positive' }]);
  const remaining = new Dec(task.qty).minus(task.qty_put_away);
  if (qty.gt(remaining)) throw new AppError('PUTAWAY_QTY_EXCEEDS_TASK', `the task has ${remaining.toFixed()} left to put away`);
  // Say what the bin holds (the move re-checks under its lock; this is for the message).
  const held = await tx.selectFrom('bin_balances as bb').innerJoin('bins as b', (join) => join.onRef('b.tenant_id', '=', 'bb.tenant_id').onRef('b.bin_id', '=', 'bb.bin_id')).select(['bb.on_hand', 'b.code']).where('bb.tenant_id', '=', ctx.tenantId).where('bb.item_id', '=', task.item_id).where('bb.bin_id', '=', task.from_bin_id).executeTakeFirst();
  const inBin = new Dec(held?.on_hand ?? '0');
  if (!input.short && inBin.lt(qty)) {
    const fromCode = held?.code ?? (await tx.selectFrom('bins').select('code').where('tenant_id', '=', ctx.tenantId).where('bin_id', '=', task.from_bin_id).executeTakeFirst())?.code ?? task.from_bin_id;
    throw new AppError('BIN_STOCK_SHORT', `bin ${fromCode} holds ${inBin.toFixed()} of the item, not ${qty.toFixed()}; confirm with short: true to put away what it holds, or cancel the task`);
  }

  // Short: only when the source bin really holds less than the rest, and then all it holds moves — no stock is
  // left in the bin without a task. (The move locks the bin and refuses if a pick takes from it meanwhile.)
  let moved = qty;
  if (input.short) {
    // What the bin holds beyond the other open tasks of the item there (a later receipt into the same bin): theirs stays.
    const held = Dec.max(0, (await heldInBin(tx, ctx, task.from_bin_id, task.item_id)).minus(await othersRemaining(tx, ctx, task)));
    if (held.gte(remaining)) throw new AppError('PUTAWAY_NOT_SHORT', `the bin holds the task's ${remaining.toFixed()} left: confirm without short`);
    if (qty.lt(held)) throw new AppError('PUTAWAY_NOT_SHORT', `the bin holds ${held.toFixed()} of the item for this task: put all of it away`, [{ field: '/qty', message: 'less than the bin holds' }]);
    moved = held;
  }
  if (moved.gt(0)) {
    await moveStockBetweenBins(tx, ctx, { itemId: task.item_id, warehouseId: task.warehouse_id, fromBinId: task.from_bin_id, toBinId: bin.bin_id, qty: moved.toFixed(), referenceType: 'putaway_task', referenceId: task.task_id });
  }
  const putAway = new Dec(task.qty_put_away).plus(moved);
  const done = input.short === true || putAway.gte(task.qty);
  const updated = await tx
    .updateTable('putaway_tasks')
    .set({ qty_put_away: putAway.toFixed(), assigned_to: me, ...(done ? { status: 'done', completed_at: ctx.clock.now() } : {}) })
    .where('tenant_id', '=', ctx.tenantId)
    .where('task_id', '=', task.task_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, { action: 'putaway_task.confirm', entityType: 'putaway_task', entityId: task.task_id, before: { qtyPutAway: decimalString(task.qty_put_away), status: task.status }, after: { qtyPutAway: putAway.toFixed(), status: updated.status, toBin: bin.code, qty: moved.toFixed(), ...(input.short ? { short: true, qtyConfirmed: qty.toFixed() } : {}) } });
  await appendEvent(tx, ctx, { eventType: 'putaway_task.confirmed', aggregateType: 'putaway_task', aggregateId: task.task_id, payload: { taskId: task.task_id, itemId: task.item_id, warehouseId: task.warehouse_id, toBinId: bin.bin_id, toBinCode: bin.code, qty: moved.toFixed(), status: updated.status, short: input.short === true } });
  return (await toTasks(tx, ctx, [updated]))[0]!;
}

/**
 * Closes an open task's remainder (e.g. a wave picked the stock out of the receiving
 * bin first): qty_put_away stays, nothing moves. Not open → PUTAWAY_TASK_NOT_OPEN.
 */
export async function cancelPutawayTask(tx: Tx, ctx: OperationContext, input: { taskId: string; reason: string }): Promise<PutawayTask> {
  const task = await tx.selectFrom('putaway_tasks').selectAll().where('tenant_id', '=', ctx.tenantId).where('task_id', '=', input.taskId).forNoKeyUpdate().executeTakeFirst();
  if (!task) throw new AppError('PUTAWAY_TASK_NOT_FOUND', `no putaway task ${input.taskId}`);
  if (task.status !== 'open') throw new AppError('PUTAWAY_TASK_NOT_OPEN', `the putaway task is ${task.status}`);
  const reason = input.reason.trim();
  if (!reason) throw new AppError('VALIDATION_FAILED', 'a reason is required', [{ field: '/reason', message: 'is empty' }]);
  const remaining = new Dec(task.qty).minus(task.qty_put_away).toFixed();
  const updated = await tx
    .updateTable('putaway_tasks')
    .set({ status: 'cancelled', completed_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('task_id', '=', task.task_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, { action: 'putaway_task.cancel', entityType: 'putaway_task', entityId: task.task_id, before: { status: task.status, qtyPutAway: decimalString(task.qty_put_away) }, after: { status: 'cancelled', qtyCancelled: remaining, reason } });
  await appendEvent(tx, ctx, { eventType: 'putaway_task.cancelled', aggregateType: 'putaway_task', aggregateId: task.task_id, payload: { taskId: task.task_id, itemId: task.item_id, warehouseId: task.warehouse_id, fromBinId: task.from_bin_id, qtyCancelled: remaining, reason } });
  return (await toTasks(tx, ctx, [updated]))[0]!;
}

/**
 * A short confirm divides the bin's stock among the open tasks of the item there, so it locks them all first, in
 * task id order (two short confirms never deadlock; a plain confirm locks only its own task and never waits on them).
 */
async function lockSiblingTasks(tx: Tx, ctx: OperationContext, taskId: string): Promise<void> {
  const task = await tx.selectFrom('putaway_tasks').select(['from_bin_id', 'item_id']).where('tenant_id', '=', ctx.tenantId).where('task_id', '=', taskId).executeTakeFirst();
  if (!task) return;
  await tx.selectFrom('putaway_tasks').select('task_id').where('tenant_id', '=', ctx.tenantId).where('from_bin_id', '=', task.from_bin_id).where('item_id', '=', task.item_id).where('status', '=', 'open').orderBy('task_id').forNoKeyUpdate().execute();
}

async function othersRemaining(tx: Tx, ctx: OperationContext, task: TaskRow): Promise<Dec> {
  const row = await tx
    .selectFrom('putaway_tasks')
    .select(sql<string>`coalesce(sum(qty - qty_put_away), 0)::text`.as('rest'))
    .where('tenant_id', '=', ctx.tenantId)
    .where('from_bin_id', '=', task.from_bin_id)
    .where('item_id', '=', task.item_id)
    .where('status', '=', 'open')
    .where('task_id', '<>', task.task_id)
    .executeTakeFirstOrThrow();
  return new Dec(row.rest);
}

async function heldInBin(tx: Tx, ctx: OperationContext, binId: string, itemId: string): Promise<Dec> {
  const row = await tx.selectFrom('bin_balances').select('on_hand').where('tenant_id', '=', ctx.tenantId).where('bin_id', '=', binId).where('item_id', '=', itemId).executeTakeFirst();
  return new Dec(row?.on_hand ?? 0);
}

/** The supplier of the task's receipt's PO: its part numbers are scanned at putaway as at receiving. */
async function supplierOfReceipt(tx: Tx, ctx: OperationContext, receiptId: string): Promise<string> {
  const row = await tx
    .selectFrom('receipts as r')
    .innerJoin('purchase_orders as po', (join) => join.onRef('po.tenant_id', '=', 'r.tenant_id').onRef('po.po_id', '=', 'r.po_id'))
    .select('po.supplier_id')
    .where('r.tenant_id', '=', ctx.tenantId)
    .where('r.receipt_id', '=', receiptId)
    .executeTakeFirstOrThrow();
  return row.supplier_id;
}
