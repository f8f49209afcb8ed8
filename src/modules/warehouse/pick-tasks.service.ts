import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { actorRef, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { AppError } from '../../platform/errors.ts';
import { decimalString } from '../../platform/money.ts';
import { inWalkOrder, selectTasks, toPickTask, waveProgress, type PickTask, type PickTaskStatus, type WaveProgress } from './pick-tasks.queries.ts';

/** Reading pick tasks, and an associate's queue (the next task for me). */

export interface PickTaskFilter {
  waveId?: string | undefined;
  orderId?: string | undefined;
  warehouseId?: string | undefined;
  status?: PickTaskStatus | undefined;
  assignedTo?: string | undefined;
}

function filtered(tx: Tx, ctx: OperationContext, filter: PickTaskFilter) {
  let query = selectTasks(tx, ctx);
  if (filter.waveId) query = query.where('t.wave_id', '=', filter.waveId);
  if (filter.orderId) query = query.where('t.order_id', '=', filter.orderId);
  if (filter.warehouseId) query = query.where('t.warehouse_id', '=', filter.warehouseId);
  if (filter.status) query = query.where('t.status', '=', filter.status);
  if (filter.assignedTo) query = query.where('t.assigned_to', '=', filter.assignedTo);
  return query;
}

/** Every task matching the filter, in walk order (for shipping and views of one order or wave). */
export async function listPickTasks(tx: Tx, ctx: OperationContext, filter: PickTaskFilter): Promise<PickTask[]> {
  const rows = await inWalkOrder(filtered(tx, ctx, filter)).execute();
  return rows.map(toPickTask);
}

/** GET /v1/pick-tasks: keyset pages on the task id (ids are minted in walk order within a wave). */
export async function listPickTasksPage(tx: Tx, ctx: OperationContext, page: PageRequest, filter: PickTaskFilter): Promise<Page<PickTask>> {
  let query = filtered(tx, ctx, filter);
  if (page.after) query = query.where('t.task_id', '>', page.after);
  const rows = await query.orderBy('t.task_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toPickTask), page, (task) => task.taskId);
}

export async function getPickTaskOrThrow(tx: Tx, ctx: OperationContext, taskId: string): Promise<PickTask> {
  const row = await selectTasks(tx, ctx).where('t.task_id', '=', taskId).executeTakeFirst();
  if (!row) throw new AppError('PICK_TASK_NOT_FOUND', `no pick task ${taskId}`);
  return toPickTask(row);
}

/**
 * Picked and not yet shipped of an order in a warehouse, per line: what sits in
 * the packing location for it (Σ tasks' picked − Σ shipped from that warehouse).
 */
export async function pickedNotShipped(tx: Tx, ctx: OperationContext, input: { orderId: string; warehouseId: string }): Promise<Array<{ lineId: string; itemId: string; qty: string }>> {
  const rows = await sql<{ line_id: string; item_id: string; qty: string }>`
    with picked as (
      select line_id, item_id, sum(qty_picked) as qty from pick_tasks
       where tenant_id = ${ctx.tenantId} and order_id = ${input.orderId} and warehouse_id = ${input.warehouseId}
       group by line_id, item_id
    ), shipped as (
      select sl.line_id, sum(sl.qty_shipped) as qty from shipment_lines sl
        join shipments s on s.tenant_id = sl.tenant_id and s.shipment_id = sl.shipment_id
       where sl.tenant_id = ${ctx.tenantId} and sl.order_id = ${input.orderId} and s.warehouse_id = ${input.warehouseId}
       group by sl.line_id
    )
    select p.line_id, p.item_id, (p.qty - coalesce(s.qty, 0))::text as qty
      from picked p left join shipped s on s.line_id = p.line_id
     where p.qty - coalesce(s.qty, 0) > 0
     order by p.line_id`.execute(tx);
  return rows.rows.map((row) => ({ lineId: row.line_id, itemId: row.item_id, qty: decimalString(row.qty) }));
}

/**
 * An associate's next task in a warehouse: my lowest open task (oldest wave,
 * then walk order); when I have none, the next unassigned open task of the
 * oldest wave is claimed for me. The claim takes the row FOR NO KEY UPDATE SKIP
 * LOCKED, so two associates asking at the same moment never get the same task —
 * the second skips the row the first is claiming and takes the next one.
 */
export async function nextPickTask(tx: Tx, ctx: OperationContext, input: { warehouseId: string }): Promise<{ task: PickTask | null; waveProgress: WaveProgress | null }> {
  const me = actorRef(ctx.actor);
  const mine = await sql<{ task_id: string }>`
    select t.task_id from pick_tasks t
      join pick_waves w on w.tenant_id = t.tenant_id and w.wave_id = t.wave_id
      join bins b on b.tenant_id = t.tenant_id and b.bin_id = t.bin_id
     where t.tenant_id = ${ctx.tenantId} and t.warehouse_id = ${input.warehouseId} and t.status = 'open' and t.assigned_to = ${me}
     order by w.created_at, w.wave_id, t.pick_sequence, b.code, t.task_id
     limit 1`.execute(tx);
  let taskId = mine.rows[0]?.task_id;
  if (!taskId) {
    const claimed = await sql<{ task_id: string }>`
      update pick_tasks set assigned_to = ${me}
       where tenant_id = ${ctx.tenantId} and task_id = (
         select t.task_id from pick_tasks t
           join pick_waves w on w.tenant_id = t.tenant_id and w.wave_id = t.wave_id
           join bins b on b.tenant_id = t.tenant_id and b.bin_id = t.bin_id
          where t.tenant_id = ${ctx.tenantId} and t.warehouse_id = ${input.warehouseId} and t.status = 'open' and t.assigned_to is null
          order by w.created_at, w.wave_id, t.pick_sequence, b.code, t.task_id
          limit 1
          for no key update of t skip locked)
         and status = 'open' and assigned_to is null
      returning task_id`.execute(tx);
    taskId = claimed.rows[0]?.task_id;
    if (taskId) await audit(tx, ctx, { action: 'pick_task.claim', entityType: 'pick_task', entityId: taskId, before: { assignedTo: null }, after: { assignedTo: me } });
  }
  if (!taskId) return { task: null, waveProgress: null };
  const task = await getPickTaskOrThrow(tx, ctx, taskId);
  return { task, waveProgress: await waveProgress(tx, ctx, task.waveId) };
}
