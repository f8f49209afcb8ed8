import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { assertRevision } from '../../platform/http/revision.ts';
import { newId } from '../../platform/ids.ts';
import { ITEM_UNITS_MAX } from '../../platform/limits.ts';
import { Dec, decimalString, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { containsPattern, isUniqueViolation, selectItems, withUnits, type Item, type ItemUnit } from './items.queries.ts';
import { gtinProblem, gtinVariants } from './rules/gtin.ts';

/**
 * Items: the things a distributor buys, stocks and sells. An item is stocked in one
 * unit (EA) and sold in that unit or others (a case of 12 has factor 12); the stocking
 * unit always has its own unit row with factor 1, so every order line can be converted
 * the same way. Items are deactivated, never deleted: orders and movements refer to them.
 */

export interface CreateItemInput {
  sku: string;
  description: string;
  gtin?: string | null;
  brand?: string | null;
  category?: string | null;
  attributes?: Record<string, string>;
  weightKg?: string | null;
  taxClass?: string;
  stockingUnit: string;
  /** Selling units; the stocking unit is added with factor 1 (listing it with factor 1 is allowed). */
  units?: Array<{ unit: string; factor: string }>;
}

export type UpdateItemInput = Partial<Pick<CreateItemInput, 'description' | 'gtin' | 'brand' | 'category' | 'attributes' | 'weightKg' | 'taxClass'>>;

export interface ItemListFilter {
  active?: boolean;
  category?: string;
  brand?: string;
  search?: string;
  gtin?: string;
}

export async function createItem(tx: Tx, ctx: OperationContext, input: CreateItemInput): Promise<Item> {
  const gtin = input.gtin ? checkedGtin(input.gtin) : null;
  const units = unitsFor(input.stockingUnit, input.units ?? []);
  await assertSkuFree(tx, ctx, input.sku);
  if (gtin) await assertGtinFree(tx, ctx, gtin, null);
  const itemId = newId();
  const now = ctx.clock.now();
  try {
    await tx
      .insertInto('items')
      .values({
        tenant_id: ctx.tenantId,
        item_id: itemId,
        sku: input.sku,
        description: input.description.trim(),
        gtin,
        brand: input.brand ?? null,
        category: input.category ?? null,
        attributes: JSON.stringify(input.attributes ?? {}),
        weight_kg: input.weightKg == null ? null : checkedWeight(input.weightKg),
        tax_class: input.taxClass ?? 'standard',
        stocking_unit: input.stockingUnit,
        created_at: now,
        updated_at: now,
      })
      .execute();
  } catch (error) {
    // A concurrent create won the race past the checks above.
    if (isUniqueViolation(error, 'items_tenant_id_sku_key') || isUniqueViolation(error, 'items_sku_ci_key')) throw new AppError('SKU_TAKEN', `another item has SKU ${input.sku}`);
    if (isUniqueViolation(error, 'items_gtin_key')) throw new AppError('GTIN_TAKEN', `another item has GTIN ${gtin}`);
    throw error;
  }
  await tx
    .insertInto('item_units')
    .values(units.map((unit) => ({ tenant_id: ctx.tenantId, item_id: itemId, unit: unit.unit, factor: unit.factor })))
    .execute();
  const item = await getItemOrThrow(tx, ctx, itemId);
  await audit(tx, ctx, { action: 'item.create', entityType: 'item', entityId: itemId, before: null, after: { ...item } });
  await appendEvent(tx, ctx, { eventType: 'item.created', aggregateType: 'item', aggregateId: itemId, payload: item });
  return item;
}

export async function getItemOrThrow(tx: Tx, ctx: OperationContext, itemId: string): Promise<Item> {
  const row = await selectItems(tx, ctx).where('item_id', '=', itemId).executeTakeFirst();
  if (!row) throw new AppError('ITEM_NOT_FOUND', `no item ${itemId}`);
  return (await withUnits(tx, ctx, [row]))[0]!;
}

export interface ItemRef {
  itemId?: string | undefined;
  sku?: string | undefined;
  gtin?: string | undefined;
  customerId?: string | undefined;
  customerPartNumber?: string | undefined;
}

/**
 * The item an order line names, by exactly one of: itemId, sku, gtin (in any of its
 * written lengths, so a UPC-A finds an item filed under its GTIN-14), or the customer's
 * own part number (customerId + customerPartNumber). A customerId without a part number
 * is ignored, so callers may always pass the order's customer. Only active items resolve.
 */
export async function resolveItemOrThrow(tx: Tx, ctx: OperationContext, ref: ItemRef): Promise<Item> {
  const given = (['itemId', 'sku', 'gtin', 'customerPartNumber'] as const).filter((key) => ref[key] !== undefined);
  if (given.length !== 1) {
    throw new AppError('VALIDATION_FAILED', 'name the item by exactly one of itemId, sku, gtin or customerPartNumber', [
      { field: 'item', message: given.length === 0 ? 'no item reference' : `several references: ${given.join(', ')}` },
    ]);
  }
  let query = selectItems(tx, ctx);
  let what: string;
  if (ref.itemId !== undefined) {
    query = query.where('item_id', '=', ref.itemId);
    what = `item ${ref.itemId}`;
  } else if (ref.sku !== undefined) {
    query = query.where('sku', '=', ref.sku);
    what = `SKU ${ref.sku}`;
  } else if (ref.gtin !== undefined) {
    if (gtinProblem(ref.gtin) !== null) throw new AppError('ITEM_NOT_FOUND', `no item with GTIN ${ref.gtin} (not a valid GTIN)`);
    query = query.where('gtin', 'in', gtinVariants(ref.gtin));
    what = `GTIN ${ref.gtin}`;
  } else {
    if (ref.customerId === undefined) {
      throw new AppError('VALIDATION_FAILED', 'a customer part number needs the customer', [{ field: 'customerId', message: 'is required' }]);
    }
    const customerId = ref.customerId;
    query = query.where('item_id', '=', (eb) =>
      eb
        .selectFrom('customer_item_refs')
        .select('customer_item_refs.item_id')
        .where('customer_item_refs.tenant_id', '=', ctx.tenantId)
        .where('customer_item_refs.customer_id', '=', customerId)
        .where('customer_item_refs.customer_part_number', '=', ref.customerPartNumber!),
    );
    what = `customer part number ${ref.customerPartNumber}`;
  }
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('ITEM_NOT_FOUND', `no item for ${what}`);
  if (!row.active) throw new AppError('ITEM_INACTIVE', `item ${row.sku} is deactivated`);
  return (await withUnits(tx, ctx, [row]))[0]!;
}

/** Stocking units per one `unit` of the item: "12" for a case of 12, "1" for the stocking unit. */
export function unitFactorOrThrow(item: Item, unit: string): string {
  const found = item.units.find((candidate) => candidate.unit === unit);
  if (!found) {
    throw new AppError('UNIT_NOT_CONVERTIBLE', `item ${item.sku} has no conversion for unit ${unit}; it is sold in ${item.units.map((u) => u.unit).join(', ')}`);
  }
  return found.factor;
}

export async function listItems(tx: Tx, ctx: OperationContext, page: PageRequest, filter: ItemListFilter = {}): Promise<Page<Item>> {
  let query = selectItems(tx, ctx);
  if (page.after) query = query.where('item_id', '>', page.after);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.category !== undefined) query = query.where('category', '=', filter.category);
  if (filter.brand !== undefined) query = query.where('brand', '=', filter.brand);
  if (filter.gtin !== undefined) query = query.where('gtin', 'in', gtinVariants(checkedGtin(filter.gtin)));
  if (filter.search !== undefined) {
    const pattern = containsPattern(filter.search);
    query = query.where((eb) => eb.or([eb('sku', 'ilike', pattern), eb('description', 'ilike', pattern)]));
  }
  const rows = await query.orderBy('item_id').limit(page.limit + 1).execute();
  return toPage(await withUnits(tx, ctx, rows), page, (item) => item.itemId);
}

/** Changes descriptive fields under optimistic concurrency: `expectedRevision` comes from If-Match. */
export async function updateItem(tx: Tx, ctx: OperationContext, itemId: string, expectedRevision: number, patch: UpdateItemInput): Promise<Item> {
  const before = await lockItemOrThrow(tx, ctx, itemId);
  assertRevision(before.revision, expectedRevision, `item ${before.sku}`);
  const gtin = patch.gtin === undefined ? undefined : patch.gtin === null ? null : checkedGtin(patch.gtin);
  if (gtin) await assertGtinFree(tx, ctx, gtin, itemId);
  try {
    await tx
      .updateTable('items')
      .set({
        ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
        ...(gtin !== undefined ? { gtin } : {}),
        ...(patch.brand !== undefined ? { brand: patch.brand } : {}),
        ...(patch.category !== undefined ? { category: patch.category } : {}),
        ...(patch.attributes !== undefined ? { attributes: JSON.stringify(patch.attributes) } : {}),
        ...(patch.weightKg !== undefined ? { weight_kg: patch.weightKg === null ? null : checkedWeight(patch.weightKg) } : {}),
        ...(patch.taxClass !== undefined ? { tax_class: patch.taxClass } : {}),
        revision: before.revision + 1,
        updated_at: ctx.clock.now(),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('item_id', '=', itemId)
      .execute();
  } catch (error) {
    if (isUniqueViolation(error, 'items_gtin_key')) throw new AppError('GTIN_TAKEN', `another item has GTIN ${gtin}`);
    throw error;
  }
  return recordItemChange(tx, ctx, 'item.update', before);
}

/** Deactivating hides the item from new orders; existing orders and stock keep it. Repeating it changes nothing. */
export async function setItemActive(tx: Tx, ctx: OperationContext, itemId: string, active: boolean): Promise<Item> {
  const before = await lockItemOrThrow(tx, ctx, itemId);
  if (before.active === active) return before;
  await tx
    .updateTable('items')
    .set({ active, revision: before.revision + 1, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('item_id', '=', itemId)
    .execute();
  return recordItemChange(tx, ctx, active ? 'item.reactivate' : 'item.deactivate', before);
}

/** Reads the item FOR NO KEY UPDATE: concurrent changes to one item queue here, then check the revision. */
export async function lockItemOrThrow(tx: Tx, ctx: OperationContext, itemId: string): Promise<Item> {
  const row = await selectItems(tx, ctx).where('item_id', '=', itemId).forNoKeyUpdate().executeTakeFirst();
  if (!row) throw new AppError('ITEM_NOT_FOUND', `no item ${itemId}`);
  return (await withUnits(tx, ctx, [row]))[0]!;
}

/** After a change: audit before → after and tell integrations (item.updated), in the caller's transaction. */
export async function recordItemChange(tx: Tx, ctx: OperationContext, action: string, before: Item): Promise<Item> {
  const after = await getItemOrThrow(tx, ctx, before.itemId);
  await audit(tx, ctx, { action, entityType: 'item', entityId: after.itemId, before: { ...before }, after: { ...after } });
  await appendEvent(tx, ctx, { eventType: 'item.updated', aggregateType: 'item', aggregateId: after.itemId, payload: after });
  return after;
}

export function checkedGtin(gtin: string): string {
  const problem = gtinProblem(gtin);
  if (problem === null) return gtin;
  const why = { length: 'must have 8, 12, 13 or 14 digits', digits: 'must be digits only', check_digit: 'has a wrong check digit' }[problem];
  throw new AppError('GTIN_INVALID', `GTIN ${gtin} ${why}`, [{ field: 'gtin', message: why }]);
}

/** A positive factor with at most 6 places (numeric(18, 6)), normalised ("12.000" → "12"). */
export function checkedFactor(factor: string, field: string): string {
  const value = parseDecimal(factor, field);
  if (value.lte(0)) throw new AppError('VALIDATION_FAILED', `${field} must be greater than 0`, [{ field, message: 'must be greater than 0' }]);
  return decimalString(value);
}

function checkedWeight(weightKg: string): string {
  const value = parseDecimal(weightKg, 'weightKg');
  if (value.isNegative() || value.decimalPlaces() > 4) {
    throw new AppError('VALIDATION_FAILED', 'weightKg is a non-negative number of kilograms with at most 4 decimal places', [
      { field: 'weightKg', message: 'is not a valid weight' },
    ]);
  }
  return decimalString(value);
}

/** The stocking unit with factor 1, then the selling units, each once. */
function unitsFor(stockingUnit: string, selling: Array<{ unit: string; factor: string }>): ItemUnit[] {
  const units: ItemUnit[] = [{ unit: stockingUnit, factor: '1' }];
  selling.forEach((entry, index) => {
    const field = `units.${index}.factor`;
    const factor = checkedFactor(entry.factor, field);
    if (entry.unit === stockingUnit) {
      if (!new Dec(factor).eq(1)) {
        throw new AppError('VALIDATION_FAILED', `the stocking unit ${stockingUnit} has factor 1`, [{ field, message: 'must be 1 for the stocking unit' }]);
      }
      return;
    }
    if (units.some((unit) => unit.unit === entry.unit)) {
      throw new AppError('VALIDATION_FAILED', `unit ${entry.unit} is listed twice`, [{ field: `units.${index}.unit`, message: 'is listed twice' }]);
    }
    units.push({ unit: entry.unit, factor });
  });
  if (units.length > ITEM_UNITS_MAX) throw new AppError('VALIDATION_FAILED', `an item has at most ${ITEM_UNITS_MAX} units`);
  return units;
}

async function assertSkuFree(tx: Tx, ctx: OperationContext, sku: string): Promise<void> {
  const taken = await tx.selectFrom('items').select('item_id').where('tenant_id', '=', ctx.tenantId).where('sku', '=', sku).executeTakeFirst();
  if (taken) throw new AppError('SKU_TAKEN', `another item has SKU ${sku}`);
}

/** A GTIN is one trade item however it is written: 036000291452 and 00036000291452 collide. */
async function assertGtinFree(tx: Tx, ctx: OperationContext, gtin: string, exceptItemId: string | null): Promise<void> {
  let query = tx.selectFrom('items').select(['item_id', 'sku']).where('tenant_id', '=', ctx.tenantId).where('gtin', 'in', gtinVariants(gtin));
  if (exceptItemId) query = query.where('item_id', '<>', exceptItemId);
  const taken = await query.executeTakeFirst();
  if (taken) throw new AppError('GTIN_TAKEN', `item ${taken.sku} already has GTIN ${gtin}`);
}

/**
 * The active item a warehouse scan names: a GTIN (8, 12, 13 or 14 digits, any written
 * length) first, then a SKU; null when it names none. Picking, packing, receiving and
 * putaway all read scans this way (receiving and putaway try the supplier's part number first).
 */
export async function itemIdOfScan(tx: Tx, ctx: OperationContext, scan: string): Promise<string | null> {
  const code = scan.trim();
  const attempts: ItemRef[] = /^(\d{8}|\d{12,14})$/.test(code) ? [{ gtin: code }, { sku: code }] : [{ sku: code }];
  for (const ref of attempts) {
    try {
      return (await resolveItemOrThrow(tx, ctx, ref)).itemId;
    } catch (error) {
      // resolveItemOrThrow refuses after a successful query, so the transaction is intact.
      if (!isAppError(error) || (error.code !== 'ITEM_NOT_FOUND' && error.code !== 'ITEM_INACTIVE')) throw error;
    }
  }
  return null;
}
