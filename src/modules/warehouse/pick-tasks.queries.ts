import { sql } from 'kysely';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { decimalString, Dec } from '../../platform/money.ts';
import type { BinStock } from './rules/pick-path.rules.ts';

/** The SQL of the warehouse module: tasks with what a picker needs to see, progress, waveable lines, bin stock. */

export type PickTaskStatus = 'open' | 'picked' | 'short' | 'cancelled';
export const PICK_TASK_STATUSES: readonly PickTaskStatus[] = ['open', 'picked', 'short', 'cancelled'];

export interface PickTask {
  taskId: string;
  waveId: string;
  waveNumber: string;
  warehouseId: string;
  orderId: string;
  orderNumber: string;
  lineId: string;
  lineNumber: number;
  itemId: string;
  sku: string;
  gtin: string | null;
  binId: string;
  binCode: string;
  pickSequence: number;
  qtyToPick: string;
  qtyPicked: string;
  qtyShort: string;
  /** qtyToPick − qtyPicked − qtyShort while open; 0 otherwise. */
  qtyRemaining: string;
  status: PickTaskStatus;
  assignedTo: string | null;
  continuesTaskId: string | null;
  createdAt: Date;
  pickedAt: Date | null;
  pickedBy: string | null;
}

export interface WaveProgress {
  tasksOpen: number;
  tasksPicked: number;
  tasksShort: number;
  qtyToPick: string;
  qtyPicked: string;
  qtyShort: string;
  /** Σ remaining of the open tasks. */
  qtyRemaining: string;
}

/** Tasks joined with their wave, bin, item, order and line; filter and order at the call site. */
export function selectTasks(tx: Tx, ctx: OperationContext) {
  return tx
    .selectFrom('pick_tasks as t')
    .innerJoin('pick_waves as w', (join) => join.onRef('w.tenant_id', '=', 't.tenant_id').onRef('w.wave_id', '=', 't.wave_id'))
    .innerJoin('bins as b', (join) => join.onRef('b.tenant_id', '=', 't.tenant_id').onRef('b.bin_id', '=', 't.bin_id'))
    .innerJoin('items as i', (join) => join.onRef('i.tenant_id', '=', 't.tenant_id').onRef('i.item_id', '=', 't.item_id'))
    .innerJoin('sales_orders as o', (join) => join.onRef('o.tenant_id', '=', 't.tenant_id').onRef('o.order_id', '=', 't.order_id'))
    .innerJoin('sales_order_lines as l', (join) => join.onRef('l.tenant_id', '=', 't.tenant_id').onRef('l.line_id', '=', 't.line_id'))
    .select([
      't.task_id',
      't.wave_id',
      'w.wave_number',
      't.warehouse_id',
      't.order_id',
      'o.order_number',
      't.line_id',
      'l.line_number',
      't.item_id',
      'i.sku',
      'i.gtin',
      't.bin_id',
      'b.code as bin_code',
      't.pick_sequence',
      't.qty_to_pick',
      't.qty_picked',
      't.qty_short',
      't.status',
      't.assigned_to',
      't.continues_task_id',
      't.created_at',
      't.picked_at',
      't.picked_by',
    ])
    .where('t.tenant_id', '=', ctx.tenantId);
}

export type TaskRow = Awaited<ReturnType<ReturnType<typeof selectTasks>['executeTakeFirstOrThrow']>>;

/** The walk order in SQL (the same as rules/compareWalk). */
export function inWalkOrder(query: ReturnType<typeof selectTasks>): ReturnType<typeof selectTasks> {
  return query.orderBy('t.pick_sequence').orderBy('b.code').orderBy('o.order_number').orderBy('l.line_number').orderBy('t.task_id');
}

export function toPickTask(row: TaskRow): PickTask {
  const remaining = row.status === 'open' ? new Dec(row.qty_to_pick).minus(row.qty_picked).minus(row.qty_short) : new Dec(0);
  return {
    taskId: row.task_id,
    waveId: row.wave_id,
    waveNumber: row.wave_number,
    warehouseId: row.warehouse_id,
    orderId: row.order_id,
    orderNumber: row.order_number,
    lineId: row.line_id,
    lineNumber: row.line_number,
    itemId: row.item_id,
    sku: row.sku,
    gtin: row.gtin,
    binId: row.bin_id,
    binCode: row.bin_code,
    pickSequence: row.pick_sequence,
    qtyToPick: decimalString(row.qty_to_pick),
    qtyPicked: decimalString(row.qty_picked),
    qtyShort: decimalString(row.qty_short),
    qtyRemaining: decimalString(remaining),
    status: row.status as PickTaskStatus,
    assignedTo: row.assigned_to,
    continuesTaskId: row.continues_task_id,
    createdAt: row.created_at,
    pickedAt: row.picked_at,
    pickedBy: row.picked_by,
  };
}

export async function waveProgress(tx: Tx, ctx: OperationContext, waveId: string): Promise<WaveProgress> {
  const row = await sql<{ open: number; picked: number; short: number; to_pick: string; qty_picked: string; qty_short: string; remaining: string }>`
    select count(*) filter (where status = 'open')::int as open,
           count(*) filter (where status = 'picked')::int as picked,
           count(*) filter (where status = 'short')::int as short,
           coalesce(sum(qty_to_pick) filter (where status <> 'cancelled'), 0)::text as to_pick,
           coalesce(sum(qty_picked), 0)::text as qty_picked,
           coalesce(sum(qty_short), 0)::text as qty_short,
           coalesce(sum(qty_to_pick - qty_picked - qty_short) filter (where status = 'open'), 0)::text as remaining
      from pick_tasks where tenant_id = ${ctx.tenantId} and wave_id = ${waveId}`.execute(tx);
  const progress = row.rows[0]!;
  return {
    tasksOpen: progress.open,
    tasksPicked: progress.picked,
    tasksShort: progress.short,
    qtyToPick: decimalString(progress.to_pick),
    qtyPicked: decimalString(progress.qty_picked),
    qtyShort: decimalString(progress.qty_short),
    qtyRemaining: decimalString(progress.remaining),
  };
}

export interface WaveableLine {
  orderId: string;
  orderNumber: string;
  orderDate: string;
  status: string;
  lineId: string;
  lineNumber: number;
  itemId: string;
  waveable: string;
}

/**
 * Lines with waveable quantity in the warehouse (docs/fulfilment-contracts.md):
 * Σ open reservations (line, W) − Σ open tasks' remaining in W − (Σ tasks' picked
 * in W − Σ shipped by shipments from W). Oldest order first, then line number.
 * `orderIds` limits the orders considered; statuses are the caller's.
 */
export async function waveableLines(
  tx: Tx,
  ctx: OperationContext,
  input: { warehouseId: string; statuses: readonly string[]; orderIds?: string[] | undefined },
): Promise<WaveableLine[]> {
  if (input.orderIds && input.orderIds.length === 0) return [];
  const orderFilter = input.orderIds ? sql`and o.order_id = any(${input.orderIds}::uuid[])` : sql``;
  const rows = await sql<{
    order_id: string;
    order_number: string;
    order_date: string;
    status: string;
    line_id: string;
    line_number: number;
    item_id: string;
    waveable: string;
  }>`
    with reserved as (
      select line_id, sum(qty) as qty from reservations
       where tenant_id = ${ctx.tenantId} and warehouse_id = ${input.warehouseId} and status = 'open'
       group by line_id
    ), tasked as (
      select line_id,
             sum(case when status = 'open' then qty_to_pick - qty_picked - qty_short else 0 end) as open_remaining,
             sum(qty_picked) as picked
        from pick_tasks where tenant_id = ${ctx.tenantId} and warehouse_id = ${input.warehouseId}
       group by line_id
    ), shipped as (
      select sl.line_id, sum(sl.qty_shipped) as qty
        from shipment_lines sl
        join shipments s on s.tenant_id = sl.tenant_id and s.shipment_id = sl.shipment_id
       where sl.tenant_id = ${ctx.tenantId} and s.warehouse_id = ${input.warehouseId}
       group by sl.line_id
    )
    select o.order_id, o.order_number, o.order_date::text as order_date, o.status, l.line_id, l.line_number, l.item_id,
           (r.qty - coalesce(t.open_remaining, 0) - (coalesce(t.picked, 0) - coalesce(s.qty, 0)))::text as waveable
      from reserved r
      join sales_order_lines l on l.tenant_id = ${ctx.tenantId} and l.line_id = r.line_id
      join sales_orders o on o.tenant_id = l.tenant_id and o.order_id = l.order_id
      left join tasked t on t.line_id = r.line_id
      left join shipped s on s.line_id = r.line_id
     where o.status = any(${[...input.statuses]}::text[]) ${orderFilter}
       and r.qty - coalesce(t.open_remaining, 0) - (coalesce(t.picked, 0) - coalesce(s.qty, 0)) > 0
     order by o.order_date, o.order_id, l.line_number`.execute(tx);
  return rows.rows.map((row) => ({
    orderId: row.order_id,
    orderNumber: row.order_number,
    orderDate: row.order_date,
    status: row.status,
    lineId: row.line_id,
    lineNumber: row.line_number,
    itemId: row.item_id,
    waveable: decimalString(row.waveable),
  }));
}

/**
 * What the warehouse's bins (any kind but packing, active) hold of the items and
 * no open task has claimed yet. Stock without a bin is not here: it cannot be
 * picked until it is put away into a bin.
 */
export async function untaskedBinStock(
  tx: Tx,
  ctx: OperationContext,
  input: { warehouseId: string; itemIds: string[]; excludeBinIds?: string[] },
): Promise<BinStock[]> {
  if (input.itemIds.length === 0) return [];
  const rows = await sql<{ bin_id: string; code: string; pick_sequence: number; item_id: string; untasked: string }>`
    with tasked as (
      select bin_id, item_id, sum(qty_to_pick - qty_picked - qty_short) as qty
        from pick_tasks
       where tenant_id = ${ctx.tenantId} and warehouse_id = ${input.warehouseId} and status = 'open'
       group by bin_id, item_id
    )
    select b.bin_id, b.code, b.pick_sequence, bb.item_id, (bb.on_hand - coalesce(t.qty, 0))::text as untasked
      from bin_balances bb
      join bins b on b.tenant_id = bb.tenant_id and b.bin_id = bb.bin_id
      left join tasked t on t.bin_id = bb.bin_id and t.item_id = bb.item_id
     where bb.tenant_id = ${ctx.tenantId} and bb.warehouse_id = ${input.warehouseId}
       and bb.item_id = any(${input.itemIds}::uuid[])
       and b.kind <> 'packing' and b.active
       and not (bb.bin_id = any(${input.excludeBinIds ?? []}::uuid[]))
       and bb.on_hand - coalesce(t.qty, 0) > 0
     order by b.pick_sequence, b.code`.execute(tx);
  return rows.rows.map((row) => ({ binId: row.bin_id, code: row.code, pickSequence: row.pick_sequence, itemId: row.item_id, untasked: decimalString(row.untasked) }));
}

/**
 * Serialises pick planning in one warehouse (a wave, or the re-tasking of a
 * short pick): two planners reading "untasked bin stock" at once would promise
 * the same units twice. A transaction-scoped advisory lock, not a row: planning
 * is rare beside picking, and confirmations that only take what their task
 * already claims never need it. Lock order: after the order headers, before
 * stock balances and bin rows.
 */
export async function lockPickPlanning(tx: Tx, ctx: OperationContext, warehouseId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`qm.pick_planning:${ctx.tenantId}:${warehouseId}`}, 0))`.execute(tx);
}
