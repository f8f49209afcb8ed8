import { audit } from '../../platform/audit/index.ts';
import { actorRef, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { getWarehouseOrThrow } from '../inventory/index.ts';
import { ALLOCATION_STATUSES, lockOrderHeaders } from '../sales/index.ts';
import { inWalkOrder, lockPickPlanning, selectTasks, toPickTask, untaskedBinStock, waveableLines, waveProgress, type PickTask, type WaveProgress } from './pick-tasks.queries.ts';
import { compareWalk, planPicks, type LineDemand } from './rules/pick-path.rules.ts';

/**
 * Pick waves (DESIGN §4 step 5): the waveable quantity of several orders in one
 * warehouse, placed on the bins that hold it and released as tasks in walk order.
 *
 * Lock order (DESIGN §2a): the order headers by id, then the warehouse's
 * pick-planning lock (lockPickPlanning), nothing else — a wave reads bin stock
 * but moves none, and never touches a stock balance.
 */

/** Orders a wave takes when none are named. */
export const PICK_WAVE_ORDERS_DEFAULT = 50;
/** The most orders one wave takes (named or not). */
export const PICK_WAVE_ORDERS_MAX = 200;

/** Order statuses a wave takes: allocated ones, and those already picking or partly shipped. */
export const WAVE_ORDER_STATUSES = ['allocated', 'partially_allocated', 'picking', 'partially_shipped'] as const;

export type PickWaveStatus = 'open' | 'completed' | 'cancelled';

export interface PickWave {
  waveId: string;
  waveNumber: string;
  warehouseId: string;
  status: PickWaveStatus;
  assignedTo: string | null;
  createdBy: string;
  createdAt: Date;
  completedAt: Date | null;
  progress: WaveProgress;
}

export interface PickWaveDetail extends PickWave {
  /** In walk order. */
  tasks: PickTask[];
}

export interface CreatedPickWave extends PickWaveDetail {
  /** Waveable quantity no bin holds (stock without a bin, or bins claimed by other tasks): not tasked. */
  unplaced: Array<{ orderId: string; lineId: string; itemId: string; qty: string }>;
}

export interface CreatePickWaveInput {
  warehouseId: string;
  orderIds?: string[] | undefined;
  assignTo?: string | undefined;
  maxOrders?: number | undefined;
  /** WV-… taken before the transaction (nextDocumentNumber). */
  waveNumber: string;
}

export async function createPickWave(tx: Tx, ctx: OperationContext, input: CreatePickWaveInput): Promise<CreatedPickWave> {
  await getWarehouseOrThrow(tx, ctx, input.warehouseId);
  const maxOrders = Math.min(input.maxOrders ?? PICK_WAVE_ORDERS_DEFAULT, PICK_WAVE_ORDERS_MAX);

  // Candidates are found without locks, then their headers are locked in id order
  // and the waveable quantities read again under the locks: a concurrent wave on
  // the same orders waits here and then sees this one's tasks.
  let candidateIds: string[];
  if (input.orderIds) {
    candidateIds = [...new Set(input.orderIds)];
  } else {
    const lines = await waveableLines(tx, ctx, { warehouseId: input.warehouseId, statuses: WAVE_ORDER_STATUSES });
    candidateIds = [...new Set(lines.map((line) => line.orderId))].slice(0, maxOrders);
  }
  const headers = await lockOrderHeaders(tx, ctx, candidateIds);
  if (input.orderIds) {
    const found = new Set(headers.map((header) => header.order_id));
    const missing = input.orderIds.map((orderId, index) => ({ orderId, index })).filter(({ orderId }) => !found.has(orderId));
    if (missing.length > 0) {
      throw new AppError('VALIDATION_FAILED', `no sales order ${missing.map(({ orderId }) => orderId).join(', ')}`, missing.map(({ index }) => ({ field: `/orderIds/${index}`, message: 'no such sales order' })));
    }
  }
  await lockPickPlanning(tx, ctx, input.warehouseId);
  const lines = await waveableLines(tx, ctx, { warehouseId: input.warehouseId, statuses: WAVE_ORDER_STATUSES, orderIds: headers.map((header) => header.order_id) });
  if (lines.length === 0) throw new AppError('NOTHING_TO_PICK', 'none of the orders has allocated quantity in this warehouse that is not already on a pick task');

  const demands: LineDemand[] = lines.map((line) => ({ orderId: line.orderId, lineId: line.lineId, itemId: line.itemId, qty: line.waveable }));
  const bins = await untaskedBinStock(tx, ctx, { warehouseId: input.warehouseId, itemIds: [...new Set(lines.map((line) => line.itemId))] });
  const plan = planPicks(demands, bins);
  if (plan.picks.length === 0) {
    throw new AppError('NOTHING_TO_PICK', 'the waveable quantity is not in any bin of the warehouse (stock without a bin cannot be picked; put it away into a bin first)');
  }

  const now = ctx.clock.now();
  const waveId = newId();
  const me = actorRef(ctx.actor);
  await tx
    .insertInto('pick_waves')
    .values({ tenant_id: ctx.tenantId, wave_id: waveId, wave_number: input.waveNumber, warehouse_id: input.warehouseId, status: 'open', assigned_to: input.assignTo ?? null, created_by: me, created_at: now })
    .execute();
  const lineById = new Map(lines.map((line) => [line.lineId, line]));
  const walk = plan.picks
    .map((pick) => ({ ...pick, orderNumber: lineById.get(pick.lineId)!.orderNumber, lineNumber: lineById.get(pick.lineId)!.lineNumber, binCode: pick.binCode }))
    .sort(compareWalk);
  // Task ids are time-ordered: minting them in walk order makes id order the walk order too.
  await tx
    .insertInto('pick_tasks')
    .values(
      walk.map((pick) => ({
        tenant_id: ctx.tenantId,
        task_id: newId(),
        wave_id: waveId,
        warehouse_id: input.warehouseId,
        order_id: pick.orderId,
        line_id: pick.lineId,
        item_id: pick.itemId,
        bin_id: pick.binId,
        pick_sequence: pick.pickSequence,
        qty_to_pick: pick.qty,
        status: 'open',
        assigned_to: input.assignTo ?? null,
        created_at: now,
      })),
    )
    .execute();

  const tasked = new Set(walk.map((pick) => pick.orderId));
  for (const header of headers) {
    if (!tasked.has(header.order_id) || !(ALLOCATION_STATUSES as readonly string[]).includes(header.status)) continue;
    await tx.updateTable('sales_orders').set({ status: 'picking', updated_at: now }).where('tenant_id', '=', ctx.tenantId).where('order_id', '=', header.order_id).execute();
    await audit(tx, ctx, { action: 'sales_order.pick', entityType: 'sales_order', entityId: header.order_id, before: { status: header.status }, after: { status: 'picking', waveNumber: input.waveNumber } });
    await appendEvent(tx, ctx, {
      eventType: 'sales_order.picking',
      aggregateType: 'sales_order',
      aggregateId: header.order_id,
      payload: { orderId: header.order_id, orderNumber: header.order_number, status: 'picking', waveId, waveNumber: input.waveNumber },
    });
  }

  const wave = await getPickWaveOrThrow(tx, ctx, waveId);
  await audit(tx, ctx, {
    action: 'pick_wave.create',
    entityType: 'pick_wave',
    entityId: waveId,
    before: null,
    after: { waveNumber: wave.waveNumber, warehouseId: wave.warehouseId, assignedTo: wave.assignedTo, orders: [...tasked], tasks: wave.tasks.length, unplaced: plan.unplaced },
  });
  await appendEvent(tx, ctx, {
    eventType: 'pick_wave.created',
    aggregateType: 'pick_wave',
    aggregateId: waveId,
    payload: {
      waveId,
      waveNumber: wave.waveNumber,
      warehouseId: wave.warehouseId,
      orderIds: [...tasked],
      tasks: wave.tasks.map((task) => ({ taskId: task.taskId, orderId: task.orderId, lineId: task.lineId, itemId: task.itemId, binId: task.binId, qty: task.qtyToPick })),
    },
  });
  return { ...wave, unplaced: plan.unplaced };
}

interface WaveRow {
  wave_id: string;
  wave_number: string;
  warehouse_id: string;
  status: string;
  assigned_to: string | null;
  created_by: string;
  created_at: Date;
  completed_at: Date | null;
}

async function toPickWave(tx: Tx, ctx: OperationContext, row: WaveRow): Promise<PickWave> {
  return {
    waveId: row.wave_id,
    waveNumber: row.wave_number,
    warehouseId: row.warehouse_id,
    status: row.status as PickWaveStatus,
    assignedTo: row.assigned_to,
    createdBy: row.created_by,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    progress: await waveProgress(tx, ctx, row.wave_id),
  };
}

export async function getPickWaveOrThrow(tx: Tx, ctx: OperationContext, waveId: string): Promise<PickWaveDetail> {
  const row = await tx.selectFrom('pick_waves').selectAll().where('tenant_id', '=', ctx.tenantId).where('wave_id', '=', waveId).executeTakeFirst();
  if (!row) throw new AppError('WAVE_NOT_FOUND', `no pick wave ${waveId}`);
  const tasks = await inWalkOrder(selectTasks(tx, ctx).where('t.wave_id', '=', waveId)).execute();
  return { ...(await toPickWave(tx, ctx, row)), tasks: tasks.map(toPickTask) };
}

export async function listPickWaves(tx: Tx, ctx: OperationContext, page: PageRequest, filter: { warehouseId?: string | undefined; status?: PickWaveStatus | undefined } = {}): Promise<Page<PickWave>> {
  let query = tx.selectFrom('pick_waves').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (page.after) query = query.where('wave_id', '>', page.after);
  const rows = await query.orderBy('wave_id').limit(page.limit + 1).execute();
  const waves: PickWave[] = [];
  for (const row of rows) waves.push(await toPickWave(tx, ctx, row));
  return toPage(waves, page, (wave) => wave.waveId);
}

/**
 * Gives the wave's open tasks to an associate (a lead re-balancing the floor).
 * The tasks are updated first and the wave row after, the same order as a
 * confirmation (task, …, wave), so the two cannot deadlock.
 */
export async function assignPickWave(tx: Tx, ctx: OperationContext, input: { waveId: string; assignee: string }): Promise<PickWaveDetail> {
  const before = await tx.selectFrom('pick_waves').selectAll().where('tenant_id', '=', ctx.tenantId).where('wave_id', '=', input.waveId).executeTakeFirst();
  if (!before) throw new AppError('WAVE_NOT_FOUND', `no pick wave ${input.waveId}`);
  const assigned = await tx
    .updateTable('pick_tasks')
    .set({ assigned_to: input.assignee })
    .where('tenant_id', '=', ctx.tenantId)
    .where('wave_id', '=', input.waveId)
    .where('status', '=', 'open')
    .returning('task_id')
    .execute();
  await tx.updateTable('pick_waves').set({ assigned_to: input.assignee }).where('tenant_id', '=', ctx.tenantId).where('wave_id', '=', input.waveId).execute();
  await audit(tx, ctx, {
    action: 'pick_wave.assign',
    entityType: 'pick_wave',
    entityId: input.waveId,
    before: { assignedTo: before.assigned_to },
    after: { assignedTo: input.assignee, openTasksAssigned: assigned.length },
  });
  return getPickWaveOrThrow(tx, ctx, input.waveId);
}

/**
 * Completes the wave when no task is open. Locks the wave row first, as the last
 * lock of a confirmation: two confirmations of a wave's last two tasks then run
 * this one after the other, and the second sees the first's task closed.
 */
export async function completeWaveIfDone(tx: Tx, ctx: OperationContext, waveId: string): Promise<PickWaveStatus> {
  const wave = await tx.selectFrom('pick_waves').select(['status', 'wave_number']).where('tenant_id', '=', ctx.tenantId).where('wave_id', '=', waveId).forNoKeyUpdate().executeTakeFirstOrThrow();
  if (wave.status !== 'open') return wave.status as PickWaveStatus;
  const open = await tx.selectFrom('pick_tasks').select('task_id').where('tenant_id', '=', ctx.tenantId).where('wave_id', '=', waveId).where('status', '=', 'open').limit(1).executeTakeFirst();
  if (open) return 'open';
  await tx.updateTable('pick_waves').set({ status: 'completed', completed_at: ctx.clock.now() }).where('tenant_id', '=', ctx.tenantId).where('wave_id', '=', waveId).execute();
  await audit(tx, ctx, { action: 'pick_wave.complete', entityType: 'pick_wave', entityId: waveId, before: { status: 'open' }, after: { status: 'completed' } });
  await appendEvent(tx, ctx, { eventType: 'pick_wave.completed', aggregateType: 'pick_wave', aggregateId: waveId, payload: { waveId, waveNumber: wave.wave_number } });
  return 'completed';
}
