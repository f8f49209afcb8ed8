import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { actorRef, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { decimalString, Dec, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { itemIdOfScan } from '../catalog/index.ts';
import { lockStockBalances, moveStockBetweenBins, packingBin, releaseReservedQty } from '../inventory/index.ts';
import { lockOrderHeaders } from '../sales/index.ts';
import { lockPickPlanning, untaskedBinStock, waveProgress, type PickTask, type WaveProgress } from './pick-tasks.queries.ts';
import { getPickTaskOrThrow } from './pick-tasks.service.ts';
import { completeWaveIfDone, type PickWaveStatus } from './pick-waves.service.ts';
import { planPicks } from './rules/pick-path.rules.ts';

/**
 * Pick confirmation by scan (DESIGN §4 step 5): the associate scans the bin and
 * the item and keys the quantity; the stock moves from the bin to the packing
 * location at once, and the sales line learns what was picked. A short pick
 * records the shortfall, re-tasks it from another bin of the warehouse that holds
 * untasked stock, and backorders what no bin can cover.
 *
 * Lock order, everywhere in this file: (1) the task row; (2) the order header
 * (sales, DESIGN §2a step 1); on a short pick (3) the warehouse's pick-planning
 * lock and (4) the (item, warehouse) stock balance; then (5) the bin rows, in id
 * order, inside moveStockBetweenBins; (6) the wave row, last, to complete it.
 * Every check comes before the first write, so a refused scan writes nothing.
 */

export interface ConfirmPickInput {
  taskId: string;
  /** The bin's code as scanned (case-insensitive). */
  binScan: string;
  /** The item's GTIN or SKU as scanned. */
  itemScan: string;
  /** What the associate took from the bin, in stocking units. */
  qty: string;
  /** The bin holds no more: close the task with a shortfall. */
  short?: boolean | undefined;
}

export interface PickConfirmation {
  task: PickTask;
  /** New tasks for a short pick's remainder, from other bins (continuesTaskId = this task). */
  continuations: PickTask[];
  /** What no bin could cover, released from the reservation and backordered on the line. */
  backorderedQty: string;
  waveStatus: PickWaveStatus;
  waveProgress: WaveProgress;
}

export async function confirmPickTask(tx: Tx, ctx: OperationContext, input: ConfirmPickInput): Promise<PickConfirmation> {
  const me = actorRef(ctx.actor);
  const task = await tx
    .selectFrom('pick_tasks')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('task_id', '=', input.taskId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!task) throw new AppError('PICK_TASK_NOT_FOUND', `no pick task ${input.taskId}`);
  if (task.status !== 'open') throw new AppError('PICK_TASK_NOT_OPEN', `the pick task is ${task.status}`);
  if (task.assigned_to !== null && task.assigned_to !== me) throw new AppError('PICK_TASK_ASSIGNED_TO_OTHER', `the pick task is assigned to ${task.assigned_to}`);

  const bin = await tx.selectFrom('bins').select(['code']).where('tenant_id', '=', ctx.tenantId).where('bin_id', '=', task.bin_id).executeTakeFirstOrThrow();
  if (input.binScan.trim().toUpperCase() !== bin.code.toUpperCase()) {
    throw new AppError('PICK_BIN_MISMATCH', `scanned bin ${input.binScan.trim()}; the task is in bin ${bin.code}`);
  }
  const scannedItemId = await itemIdOfScan(tx, ctx, input.itemScan);
  if (scannedItemId !== task.item_id) throw new AppError('PICK_ITEM_MISMATCH', `${input.itemScan.trim()} is not the item of the task`);

  const qty = parseDecimal(input.qty, '/qty');
  const short = input.short === true;
  if (qty.isNegative() || (qty.isZero() && !short)) {
    throw new AppError('VALIDATION_FAILED', 'qty must be positive (0 only with short: true)', [{ field: '/qty', message: 'must be positive' }]);
  }
  const remaining = new Dec(task.qty_to_pick).minus(task.qty_picked).minus(task.qty_short);
  if (qty.gt(remaining)) throw new AppError('PICK_QTY_EXCEEDS_TASK', `the task has ${decimalString(remaining)} left to pick; ${decimalString(qty)} confirmed`);

  const [header] = await lockOrderHeaders(tx, ctx, [task.order_id]);
  if (short) {
    await lockPickPlanning(tx, ctx, task.warehouse_id);
    await lockStockBalances(tx, ctx, [{ itemId: task.item_id, warehouseId: task.warehouse_id }]);
  }
  const binRow = await tx
    .selectFrom('bin_balances')
    .select('on_hand')
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', task.item_id)
    .where('bin_id', '=', task.bin_id)
    .executeTakeFirst();
  const held = new Dec(binRow?.on_hand ?? 0);
  let picked = qty;
  if (held.lt(qty)) {
    if (!short) throw new AppError('BIN_STOCK_SHORT', `bin ${bin.code} holds ${decimalString(held)} of the item; confirm with short: true to close the task with what it holds`);
    // The associate says the bin is short and the books agree: take what the bin holds.
    picked = Dec.max(held, 0);
  }
  const shortfall = short ? remaining.minus(picked) : new Dec(0);
  const now = ctx.clock.now();

  // ── writes ──
  if (picked.gt(0)) {
    const packing = await packingBin(tx, ctx, task.warehouse_id);
    await moveStockBetweenBins(tx, ctx, {
      itemId: task.item_id,
      warehouseId: task.warehouse_id,
      fromBinId: task.bin_id,
      toBinId: packing.binId,
      qty: picked.toFixed(),
      referenceType: 'pick_task',
      referenceId: task.task_id,
    });
    await tx
      .updateTable('sales_order_lines')
      .set({ qty_picked: sql`qty_picked + ${picked.toFixed()}::numeric` })
      .where('tenant_id', '=', ctx.tenantId)
      .where('order_id', '=', task.order_id)
      .where('line_id', '=', task.line_id)
      .execute();
  }
  const qtyPicked = new Dec(task.qty_picked).plus(picked);
  const status = short && shortfall.gt(0) ? 'short' : qtyPicked.plus(task.qty_short).gte(task.qty_to_pick) ? 'picked' : 'open';
  const assignee = task.assigned_to ?? me;
  await tx
    .updateTable('pick_tasks')
    .set({
      qty_picked: qtyPicked.toFixed(),
      qty_short: new Dec(task.qty_short).plus(shortfall).toFixed(),
      status,
      assigned_to: assignee,
      picked_at: now,
      picked_by: me,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('task_id', '=', task.task_id)
    .execute();

  const continuationIds: string[] = [];
  let backordered = new Dec(0);
  if (shortfall.gt(0)) {
    // The short bin is left out: the associate has just found it empty, whatever the books say.
    const bins = await untaskedBinStock(tx, ctx, { warehouseId: task.warehouse_id, itemIds: [task.item_id], excludeBinIds: [task.bin_id] });
    const plan = planPicks([{ orderId: task.order_id, lineId: task.line_id, itemId: task.item_id, qty: shortfall.toFixed() }], bins);
    for (const pick of plan.picks) {
      const taskId = newId();
      continuationIds.push(taskId);
      await tx
        .insertInto('pick_tasks')
        .values({
          tenant_id: ctx.tenantId,
          task_id: taskId,
          wave_id: task.wave_id,
          warehouse_id: task.warehouse_id,
          order_id: task.order_id,
          line_id: task.line_id,
          item_id: task.item_id,
          bin_id: pick.binId,
          pick_sequence: pick.pickSequence,
          qty_to_pick: pick.qty,
          status: 'open',
          assigned_to: assignee,
          continues_task_id: task.task_id,
          created_at: now,
        })
        .execute();
    }
    backordered = plan.unplaced.reduce((total, demand) => total.plus(demand.qty), new Dec(0));
    if (backordered.gt(0)) await backorderShortfall(tx, ctx, { task, orderNumber: header!.order_number, qty: backordered });
  }

  const after = await getPickTaskOrThrow(tx, ctx, task.task_id);
  const continuations = [];
  for (const taskId of continuationIds) continuations.push(await getPickTaskOrThrow(tx, ctx, taskId));
  await audit(tx, ctx, {
    action: 'pick_task.confirm',
    entityType: 'pick_task',
    entityId: task.task_id,
    before: { status: task.status, qtyPicked: decimalString(task.qty_picked), qtyShort: decimalString(task.qty_short), assignedTo: task.assigned_to },
    after: { status, qtyPicked: after.qtyPicked, qtyShort: after.qtyShort, assignedTo: assignee, continuations: continuationIds, backorderedQty: decimalString(backordered) },
  });
  await appendEvent(tx, ctx, {
    eventType: status === 'short' ? 'pick_task.short' : 'pick_task.picked',
    aggregateType: 'pick_task',
    aggregateId: task.task_id,
    payload: {
      taskId: task.task_id,
      waveId: task.wave_id,
      orderId: task.order_id,
      orderNumber: header!.order_number,
      lineId: task.line_id,
      itemId: task.item_id,
      binId: task.bin_id,
      warehouseId: task.warehouse_id,
      qtyPicked: decimalString(picked),
      status,
      ...(status === 'short'
        ? { qtyShort: decimalString(shortfall), continuations: continuations.map((t) => ({ taskId: t.taskId, binId: t.binId, qty: t.qtyToPick })), backorderedQty: decimalString(backordered) }
        : {}),
    },
  });
  const waveStatus = await completeWaveIfDone(tx, ctx, task.wave_id);
  return { task: after, continuations, backorderedQty: decimalString(backordered), waveStatus, waveProgress: await waveProgress(tx, ctx, task.wave_id) };
}

/**
 * The part of a short pick no bin can cover: released from the line's
 * reservation in the warehouse (the balance lock is already held) and moved from
 * allocated to backordered on the line, so a stock arrival serves it later
 * (sales.releaseBackorders serves orders in 'picking'). The order keeps its status.
 */
async function backorderShortfall(tx: Tx, ctx: OperationContext, input: { task: { order_id: string; line_id: string; item_id: string; warehouse_id: string; task_id: string }; orderNumber: string; qty: Dec }): Promise<void> {
  const { task, qty } = input;
  await releaseReservedQty(tx, ctx, { itemId: task.item_id, warehouseId: task.warehouse_id, orderId: task.order_id, lineId: task.line_id, qty: qty.toFixed() });
  const line = await tx
    .updateTable('sales_order_lines')
    .set({ qty_allocated: sql`qty_allocated - ${qty.toFixed()}::numeric`, qty_backordered: sql`qty_backordered + ${qty.toFixed()}::numeric` })
    .where('tenant_id', '=', ctx.tenantId)
    .where('order_id', '=', task.order_id)
    .where('line_id', '=', task.line_id)
    .returning(['qty_allocated', 'qty_backordered'])
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, {
    action: 'sales_order.backorder_short_pick',
    entityType: 'sales_order',
    entityId: task.order_id,
    before: { lineId: task.line_id, qtyAllocated: decimalString(new Dec(line.qty_allocated).plus(qty)), qtyBackordered: decimalString(new Dec(line.qty_backordered).minus(qty)) },
    after: { lineId: task.line_id, qtyAllocated: decimalString(line.qty_allocated), qtyBackordered: decimalString(line.qty_backordered), taskId: task.task_id },
  });
  await appendEvent(tx, ctx, {
    eventType: 'sales_order.backordered',
    aggregateType: 'sales_order',
    aggregateId: task.order_id,
    payload: { orderId: task.order_id, orderNumber: input.orderNumber, lineId: task.line_id, itemId: task.item_id, warehouseId: task.warehouse_id, qty: decimalString(qty), reason: 'short_pick' },
  });
}
