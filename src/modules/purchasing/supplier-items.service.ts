import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import { actorRef } from '../../platform/context.ts';
import { openField, sealField } from '../../platform/crypto/index.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { assertRevision } from '../../platform/http/revision.ts';
import { decimalString, parseDecimal } from '../../platform/money.ts';
import { getItemOrThrow } from '../catalog/index.ts';
import { getSupplierOrThrow } from '../partners/index.ts';

/**
 * What each supplier sells us (supplier part number, cost, lead time, minimum
 * order quantity, pack size) and where we pay it (bank details, sealed with the
 * tenant's data key and only ever read back masked).
 */

export interface SupplierItem {
  supplierId: string;
  itemId: string;
  supplierPartNumber: string;
  cost: string;
  leadTimeDays: number;
  minOrderQty: string;
  packSize: string;
  active: boolean;
  revision: number;
}

export interface SupplierItemInput {
  itemId: string;
  supplierPartNumber: string;
  cost: string;
  leadTimeDays?: number | undefined;
  minOrderQty?: string | undefined;
  packSize?: string | undefined;
}

export interface UpdateSupplierItemInput {
  supplierPartNumber?: string | undefined;
  cost?: string | undefined;
  leadTimeDays?: number | undefined;
  minOrderQty?: string | undefined;
  packSize?: string | undefined;
  active?: boolean | undefined;
}

type SupplierItemRow = {
  supplier_id: string;
  item_id: string;
  supplier_part_number: string;
  cost: string;
  lead_time_days: number;
  min_order_qty: string;
  pack_size: string;
  active: boolean;
  revision: number;
};

function toSupplierItem(row: SupplierItemRow): SupplierItem {
  return {
    supplierId: row.supplier_id,
    itemId: row.item_id,
    supplierPartNumber: row.supplier_part_number,
    cost: decimalString(row.cost),
    leadTimeDays: row.lead_time_days,
    minOrderQty: decimalString(row.min_order_qty),
    packSize: decimalString(row.pack_size),
    active: row.active,
    revision: row.revision,
  };
}

function checkedNumbers(input: UpdateSupplierItemInput): { cost?: string; minOrderQty?: string; packSize?: string; supplierPartNumber?: string } {
  const out: { cost?: string; minOrderQty?: string; packSize?: string; supplierPartNumber?: string } = {};
  if (input.cost !== undefined) {
    const cost = parseDecimal(input.cost, '/cost');
    if (cost.isNegative()) throw new AppError('VALIDATION_FAILED', 'cost is not negative', [{ field: '/cost', message: 'is negative' }]);
    out.cost = cost.toFixed();
  }
  if (input.minOrderQty !== undefined) {
    const moq = parseDecimal(input.minOrderQty, '/minOrderQty');
    if (moq.isNegative()) throw new AppError('VALIDATION_FAILED', 'minOrderQty is not negative', [{ field: '/minOrderQty', message: 'is negative' }]);
    out.minOrderQty = moq.toFixed();
  }
  if (input.packSize !== undefined) {
    const pack = parseDecimal(input.packSize, '/packSize');
    if (!pack.gt(0)) throw new AppError('VALIDATION_FAILED', 'packSize is positive', [{ field: '/packSize', message: 'is not positive' }]);
    out.packSize = pack.toFixed();
  }
  if (input.supplierPartNumber !== undefined) {
    const part = input.supplierPartNumber.trim();
    if (!part) throw new AppError('VALIDATION_FAILED', 'supplierPartNumber is empty', [{ field: '/supplierPartNumber', message: 'is empty' }]);
    out.supplierPartNumber = part;
  }
  return out;
}

/** The unique index on (supplier, lower(part number)) turns a duplicate into SUPPLIER_PART_NUMBER_TAKEN. */
function partNumberTaken(error: unknown, part: string): never {
  if ((error as { code?: string }).code === '23505' && String((error as { constraint?: string }).constraint ?? '').includes('part_number')) {
    throw new AppError('SUPPLIER_PART_NUMBER_TAKEN', `the supplier already uses part number ${part}`);
  }
  if ((error as { code?: string }).code === '23505') throw new AppError('CONFLICT', 'the supplier already has a record for this item; change it instead');
  throw error;
}

export async function createSupplierItem(tx: Tx, ctx: OperationContext, supplierId: string, input: SupplierItemInput): Promise<SupplierItem> {
  await getSupplierOrThrow(tx, ctx, supplierId);
  await getItemOrThrow(tx, ctx, input.itemId);
  const checked = checkedNumbers(input);
  const part = checked.supplierPartNumber!;
  const row = await tx
    .insertInto('supplier_items')
    .values({
      tenant_id: ctx.tenantId,
      supplier_id: supplierId,
      item_id: input.itemId,
      supplier_part_number: part,
      cost: checked.cost!,
      lead_time_days: input.leadTimeDays ?? 0,
      min_order_qty: checked.minOrderQty ?? '0',
      pack_size: checked.packSize ?? '1',
      created_at: ctx.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => partNumberTaken(error, part));
  const created = toSupplierItem(row);
  await audit(tx, ctx, { action: 'supplier_item.create', entityType: 'supplier_item', entityId: `${supplierId}:${input.itemId}`, after: { ...created } });
  return created;
}

export async function getSupplierItemOrThrow(tx: Tx, ctx: OperationContext, supplierId: string, itemId: string): Promise<SupplierItem> {
  const row = await tx.selectFrom('supplier_items').selectAll().where('tenant_id', '=', ctx.tenantId).where('supplier_id', '=', supplierId).where('item_id', '=', itemId).executeTakeFirst();
  if (!row) throw new AppError('SUPPLIER_ITEM_NOT_FOUND', `the supplier has no record for item ${itemId}`);
  return toSupplierItem(row);
}

export async function findSupplierItem(tx: Tx, ctx: OperationContext, supplierId: string, itemId: string): Promise<SupplierItem | null> {
  try {
    return await getSupplierItemOrThrow(tx, ctx, supplierId, itemId);
  } catch (error) {
    if (isAppError(error) && error.code === 'SUPPLIER_ITEM_NOT_FOUND') return null;
    throw error;
  }
}

export async function listSupplierItems(tx: Tx, ctx: OperationContext, supplierId: string, filter: { active?: boolean | undefined } = {}): Promise<SupplierItem[]> {
  await getSupplierOrThrow(tx, ctx, supplierId);
  let query = tx.selectFrom('supplier_items').selectAll().where('tenant_id', '=', ctx.tenantId).where('supplier_id', '=', supplierId);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  return (await query.orderBy('supplier_part_number').limit(SUPPLIER_ITEMS_LISTED_MAX).execute()).map(toSupplierItem);
}

/** A supplier's catalogue is listed whole, up to this many rows. */
export const SUPPLIER_ITEMS_LISTED_MAX = 1000;

export async function updateSupplierItem(
  tx: Tx,
  ctx: OperationContext,
  input: UpdateSupplierItemInput & { supplierId: string; itemId: string; expectedRevision: number },
): Promise<SupplierItem> {
  const current = await tx
    .selectFrom('supplier_items')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('supplier_id', '=', input.supplierId)
    .where('item_id', '=', input.itemId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!current) throw new AppError('SUPPLIER_ITEM_NOT_FOUND', `the supplier has no record for item ${input.itemId}`);
  assertRevision(current.revision, input.expectedRevision, 'the supplier item');
  const checked = checkedNumbers(input);
  const part = checked.supplierPartNumber ?? current.supplier_part_number;
  const row = await tx
    .updateTable('supplier_items')
    .set({
      supplier_part_number: part,
      cost: checked.cost ?? current.cost,
      lead_time_days: input.leadTimeDays ?? current.lead_time_days,
      min_order_qty: checked.minOrderQty ?? current.min_order_qty,
      pack_size: checked.packSize ?? current.pack_size,
      active: input.active ?? current.active,
      revision: current.revision + 1,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('supplier_id', '=', input.supplierId)
    .where('item_id', '=', input.itemId)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => partNumberTaken(error, part));
  const updated = toSupplierItem(row);
  await audit(tx, ctx, { action: 'supplier_item.update', entityType: 'supplier_item', entityId: `${input.supplierId}:${input.itemId}`, before: { ...toSupplierItem(current) }, after: { ...updated } });
  return updated;
}

// ── bank details ──────────────────────────────────────────────────────────────────────────────

const BANK_PURPOSES = { holder: 'supplier.bank_account_holder', number: 'supplier.bank_account', routing: 'supplier.bank_routing' } as const;

export interface SupplierBankDetailsInput {
  accountHolder: string;
  accountNumber: string;
  routing?: string | undefined;
}

/** What a read shows: the holder, and the account number and routing masked to their last four characters. */
export interface MaskedBankDetails {
  supplierId: string;
  accountHolder: string;
  accountNumberMasked: string;
  routingMasked: string | null;
  revision: number;
  updatedAt: Date;
}

function mask(value: string): string {
  const compact = value.replace(/\s+/g, '');
  return `${'•'.repeat(Math.max(0, Math.min(compact.length - 4, 12)))}${compact.slice(-4)}`;
}

/** Replaces the supplier's bank details (sealed). The audit row records that they changed, never the values. */
export async function setSupplierBankDetails(tx: Tx, ctx: OperationContext, supplierId: string, input: SupplierBankDetailsInput): Promise<MaskedBankDetails> {
  await getSupplierOrThrow(tx, ctx, supplierId);
  const holder = input.accountHolder.trim();
  const number = input.accountNumber.replace(/\s+/g, '');
  const routing = input.routing?.replace(/\s+/g, '') || null;
  if (!holder) throw new AppError('VALIDATION_FAILED', 'accountHolder is empty', [{ field: '/accountHolder', message: 'is empty' }]);
  if (number.length < 4) throw new AppError('VALIDATION_FAILED', 'accountNumber has at least 4 characters', [{ field: '/accountNumber', message: 'is too short' }]);
  const sealed = {
    account_holder_sealed: await sealField(tx, ctx, holder, BANK_PURPOSES.holder),
    account_number_sealed: await sealField(tx, ctx, number, BANK_PURPOSES.number),
    routing_sealed: routing ? await sealField(tx, ctx, routing, BANK_PURPOSES.routing) : null,
    account_number_last4: number.slice(-4),
    updated_at: ctx.clock.now(),
    updated_by: actorRef(ctx.actor),
  };
  const row = await tx
    .insertInto('supplier_bank_details')
    .values({ tenant_id: ctx.tenantId, supplier_id: supplierId, ...sealed })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'supplier_id']).doUpdateSet({ ...sealed, revision: (eb) => eb('supplier_bank_details.revision', '+', 1) }))
    .returning(['revision'])
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, { action: 'supplier.bank_details_set', entityType: 'supplier', entityId: supplierId, after: { accountNumberMasked: mask(number), revision: row.revision } });
  return { supplierId, accountHolder: holder, accountNumberMasked: mask(number), routingMasked: routing ? mask(routing) : null, revision: row.revision, updatedAt: sealed.updated_at };
}

export async function getSupplierBankDetailsOrThrow(tx: Tx, ctx: OperationContext, supplierId: string): Promise<MaskedBankDetails> {
  await getSupplierOrThrow(tx, ctx, supplierId);
  const row = await tx.selectFrom('supplier_bank_details').selectAll().where('tenant_id', '=', ctx.tenantId).where('supplier_id', '=', supplierId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'the supplier has no bank details');
  const routing = row.routing_sealed ? await openField(tx, ctx, row.routing_sealed, BANK_PURPOSES.routing) : null;
  return {
    supplierId,
    accountHolder: await openField(tx, ctx, row.account_holder_sealed, BANK_PURPOSES.holder),
    accountNumberMasked: mask(await openField(tx, ctx, row.account_number_sealed, BANK_PURPOSES.number)),
    routingMasked: routing ? mask(routing) : null,
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}
