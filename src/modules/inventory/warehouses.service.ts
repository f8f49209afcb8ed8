import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { isIanaTimeZone } from '../access/index.ts';

/**
 * Warehouses and their bins. A warehouse has its own IANA time zone (a
 * distributor's branches span zones) and an allocation priority: allocation
 * tries the customer's default warehouse, then the others, lower priority
 * first. Bins carry a pick sequence (the walk order) and a kind; the first
 * receiving bin is where stock lands when a movement names no bin.
 */

export interface Warehouse {
  warehouseId: string;
  code: string;
  name: string;
  timeZone: string;
  allocationPriority: number;
  active: boolean;
  createdAt: Date;
}

export type BinKind = 'storage' | 'receiving' | 'packing';
export const BIN_KINDS: readonly BinKind[] = ['storage', 'receiving', 'packing'];

export interface Bin {
  binId: string;
  warehouseId: string;
  code: string;
  pickSequence: number;
  kind: BinKind;
  active: boolean;
}

export interface CreateWarehouseInput {
  code: string;
  name: string;
  timeZone: string;
  allocationPriority?: number;
}

export interface CreateBinInput {
  code: string;
  pickSequence?: number;
  kind?: BinKind;
}

export async function createWarehouse(tx: Tx, ctx: OperationContext, input: CreateWarehouseInput): Promise<Warehouse> {
  if (!isIanaTimeZone(input.timeZone)) {
    throw new AppError('TIME_ZONE_INVALID', `${input.timeZone} is not an IANA time zone`, [{ field: '/timeZone', message: 'is not an IANA time zone' }]);
  }
  // ON CONFLICT DO NOTHING instead of catching the unique violation: a failed
  // statement would abort the caller's transaction, and two concurrent creates
  // of one code must give one 201 and one 409, never a 500.
  const row = await tx
    .insertInto('warehouses')
    .values({
      tenant_id: ctx.tenantId,
      warehouse_id: newId(),
      code: input.code,
      name: input.name.trim(),
      time_zone: input.timeZone,
      allocation_priority: input.allocationPriority ?? 100,
      created_at: ctx.clock.now(),
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('WAREHOUSE_CODE_TAKEN', `a warehouse with code ${input.code} already exists`);
  const warehouse = toWarehouse(row);
  await audit(tx, ctx, { action: 'warehouse.create', entityType: 'warehouse', entityId: warehouse.warehouseId, before: null, after: { ...warehouse } });
  await appendEvent(tx, ctx, {
    eventType: 'warehouse.created',
    aggregateType: 'warehouse',
    aggregateId: warehouse.warehouseId,
    payload: { warehouseId: warehouse.warehouseId, code: warehouse.code, name: warehouse.name, timeZone: warehouse.timeZone },
  });
  return warehouse;
}

export async function getWarehouseOrThrow(tx: Tx, ctx: OperationContext, warehouseId: string): Promise<Warehouse> {
  const row = await tx
    .selectFrom('warehouses')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('warehouse_id', '=', warehouseId)
    .executeTakeFirst();
  if (!row) throw new AppError('WAREHOUSE_NOT_FOUND', `no warehouse ${warehouseId}`);
  return toWarehouse(row);
}

export async function listWarehouses(tx: Tx, ctx: OperationContext, page: PageRequest, filter: { active?: boolean } = {}): Promise<Page<Warehouse>> {
  let query = tx.selectFrom('warehouses').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (page.after) query = query.where('warehouse_id', '>', page.after);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  const rows = await query.orderBy('warehouse_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toWarehouse), page, (warehouse) => warehouse.warehouseId);
}

/** Active warehouses in allocation order: allocation_priority, then code (the contract's tie-break). */
export async function listAllocationWarehouses(
  tx: Tx,
  ctx: OperationContext,
): Promise<Array<{ warehouseId: string; code: string; name: string; allocationPriority: number }>> {
  const rows = await tx
    .selectFrom('warehouses')
    .select(['warehouse_id', 'code', 'name', 'allocation_priority'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('active', '=', true)
    .orderBy('allocation_priority')
    .orderBy('code')
    .execute();
  return rows.map((row) => ({ warehouseId: row.warehouse_id, code: row.code, name: row.name, allocationPriority: row.allocation_priority }));
}

export async function createBin(tx: Tx, ctx: OperationContext, warehouseId: string, input: CreateBinInput): Promise<Bin> {
  await getWarehouseOrThrow(tx, ctx, warehouseId);
  const row = await tx
    .insertInto('bins')
    .values({
      tenant_id: ctx.tenantId,
      bin_id: newId(),
      warehouse_id: warehouseId,
      code: input.code,
      pick_sequence: input.pickSequence ?? 0,
      kind: input.kind ?? 'storage',
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'warehouse_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('BIN_CODE_TAKEN', `warehouse ${warehouseId} already has a bin ${input.code}`);
  const bin = toBin(row);
  await audit(tx, ctx, { action: 'bin.create', entityType: 'bin', entityId: bin.binId, before: null, after: { ...bin } });
  return bin;
}

/** Bins of a warehouse in walk order (pick sequence, then code), keyset-paginated on that order. */
export async function listBins(tx: Tx, ctx: OperationContext, warehouseId: string, page: PageRequest, filter: { kind?: BinKind } = {}): Promise<Page<Bin>> {
  await getWarehouseOrThrow(tx, ctx, warehouseId);
  let query = tx.selectFrom('bins').selectAll().where('tenant_id', '=', ctx.tenantId).where('warehouse_id', '=', warehouseId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (page.after) {
    const [sequence, code] = splitBinCursor(page.after);
    query = query.where((eb) => eb.or([eb('pick_sequence', '>', sequence), eb.and([eb('pick_sequence', '=', sequence), eb('code', '>', code)])]));
  }
  const rows = await query.orderBy('pick_sequence').orderBy('code').limit(page.limit + 1).execute();
  return toPage(rows.map(toBin), page, (bin) => `${bin.pickSequence}:${bin.code}`);
}

function splitBinCursor(after: string): [number, string] {
  const match = /^(-?\d{1,10}):(.+)$/.exec(after);
  if (!match) throw new AppError('CURSOR_INVALID', 'the cursor was not issued by this list');
  return [Number(match[1]), match[2]!];
}

/** A bin of the warehouse, active; BIN_NOT_FOUND also when it belongs to another warehouse. */
export async function getBinOrThrow(tx: Tx, ctx: OperationContext, warehouseId: string, binId: string): Promise<Bin> {
  const row = await tx
    .selectFrom('bins')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('bin_id', '=', binId)
    .executeTakeFirst();
  if (!row || row.warehouse_id !== warehouseId || !row.active) {
    throw new AppError('BIN_NOT_FOUND', `warehouse ${warehouseId} has no active bin ${binId}`);
  }
  return toBin(row);
}

/** The warehouse's default receiving bin: the active receiving bin first in walk order, or null. */
export async function defaultReceivingBin(tx: Tx, ctx: OperationContext, warehouseId: string): Promise<Bin | null> {
  const row = await tx
    .selectFrom('bins')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('warehouse_id', '=', warehouseId)
    .where('kind', '=', 'receiving')
    .where('active', '=', true)
    .orderBy('pick_sequence')
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
  return row ? toBin(row) : null;
}

/**
 * The warehouse's packing location, where picks put the goods and shipments take
 * them from: the first active packing bin in walk order, created as PACK (last in
 * the walk) when the warehouse has none, so that every warehouse can pick.
 */
export async function packingBin(tx: Tx, ctx: OperationContext, warehouseId: string): Promise<Bin> {
  const find = () =>
    tx
      .selectFrom('bins')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('warehouse_id', '=', warehouseId)
      .where('kind', '=', 'packing')
      .where('active', '=', true)
      .orderBy('pick_sequence')
      .orderBy('code')
      .limit(1)
      .executeTakeFirst();
  const existing = await find();
  if (existing) return toBin(existing);
  await getWarehouseOrThrow(tx, ctx, warehouseId);
  // A concurrent first pick may create it at the same moment: do nothing on conflict, then read.
  await tx
    .insertInto('bins')
    .values({ tenant_id: ctx.tenantId, bin_id: newId(), warehouse_id: warehouseId, code: 'PACK', pick_sequence: 2_000_000_000, kind: 'packing' })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'warehouse_id', 'code']).doNothing())
    .execute();
  const created = await find();
  if (!created) throw new AppError('BIN_CODE_TAKEN', `warehouse ${warehouseId} has a bin PACK that is not an active packing bin; create a packing bin`);
  return toBin(created);
}

function toWarehouse(row: {
  warehouse_id: string;
  code: string;
  name: string;
  time_zone: string;
  allocation_priority: number;
  active: boolean;
  created_at: Date;
}): Warehouse {
  return {
    warehouseId: row.warehouse_id,
    code: row.code,
    name: row.name,
    timeZone: row.time_zone,
    allocationPriority: row.allocation_priority,
    active: row.active,
    createdAt: row.created_at,
  };
}

function toBin(row: { bin_id: string; warehouse_id: string; code: string; pick_sequence: number; kind: string; active: boolean }): Bin {
  return {
    binId: row.bin_id,
    warehouseId: row.warehouse_id,
    code: row.code,
    pickSequence: row.pick_sequence,
    kind: row.kind as BinKind,
    active: row.active,
  };
}
