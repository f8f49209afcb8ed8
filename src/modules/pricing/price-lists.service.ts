import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { decimalString, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { itemForPricing, assertSellingUnit } from './pricing-lookups.ts';
import { assertFunctionalCurrency, functionalCurrency } from './pricing-masters.ts';

/**
 * Price lists: one base list per tenant (is_base) and any number of customer lists. An entry
 * prices one item in one unit from a minimum quantity upwards; several entries for the same
 * item and unit are quantity breaks. Entries are set (upsert) and deleted by their natural
 * key (item, unit, min_qty); lists themselves are deactivated, never deleted.
 */

export interface PriceList {
  priceListId: string;
  code: string;
  name: string;
  currency: string;
  isBase: boolean;
  active: boolean;
}

export interface PriceListEntry {
  priceListId: string;
  itemId: string;
  unit: string;
  minQty: string;
  unitPrice: string;
}

export interface CreatePriceListInput {
  code: string;
  name: string;
  currency?: string;
  isBase?: boolean;
}

export async function createPriceList(tx: Tx, ctx: OperationContext, input: CreatePriceListInput): Promise<PriceList> {
  const currency = input.currency ?? (await functionalCurrency(tx, ctx));
  await assertFunctionalCurrency(tx, ctx, currency);
  const priceListId = newId();
  // on conflict do nothing: a duplicate code or a second base list is a 409, not an aborted transaction.
  const row = await tx
    .insertInto('price_lists')
    .values({ tenant_id: ctx.tenantId, price_list_id: priceListId, code: input.code, name: input.name.trim(), currency, is_base: input.isBase ?? false })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const taken = await tx.selectFrom('price_lists').select('price_list_id').where('tenant_id', '=', ctx.tenantId).where('code', '=', input.code).executeTakeFirst();
    if (taken) throw new AppError('PRICE_LIST_CODE_TAKEN', `price list ${input.code} already exists`, [{ field: 'code', message: 'is taken' }]);
    throw new AppError('PRICE_LIST_BASE_EXISTS', 'the tenant already has a base price list; a tenant has exactly one', [{ field: 'isBase', message: 'a base list exists' }]);
  }
  const list = toPriceList(row);
  await audit(tx, ctx, { action: 'price_list.create', entityType: 'price_list', entityId: priceListId, before: null, after: { ...list } });
  await appendEvent(tx, ctx, { eventType: 'price_list.created', aggregateType: 'price_list', aggregateId: priceListId, payload: list });
  return list;
}

export async function getPriceListOrThrow(tx: Tx, ctx: OperationContext, priceListId: string): Promise<PriceList> {
  const row = await tx.selectFrom('price_lists').selectAll().where('tenant_id', '=', ctx.tenantId).where('price_list_id', '=', priceListId).executeTakeFirst();
  if (!row) throw new AppError('PRICE_LIST_NOT_FOUND', `no price list ${priceListId}`);
  return toPriceList(row);
}

export async function listPriceLists(tx: Tx, ctx: OperationContext, page: PageRequest, filter: { active?: boolean } = {}): Promise<Page<PriceList>> {
  let query = tx.selectFrom('price_lists').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (page.after) query = query.where('price_list_id', '>', page.after);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  const rows = await query.orderBy('price_list_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toPriceList), page, (list) => list.priceListId);
}

/** Renames or (de)activates a list. A deactivated list prices nothing; it is never deleted, so history still names it. */
export async function updatePriceList(tx: Tx, ctx: OperationContext, priceListId: string, input: { name?: string; active?: boolean }): Promise<PriceList> {
  const before = await getPriceListOrThrow(tx, ctx, priceListId);
  const changes = { ...(input.name !== undefined ? { name: input.name.trim() } : {}), ...(input.active !== undefined ? { active: input.active } : {}) };
  if (Object.keys(changes).length === 0) return before;
  const row = await tx
    .updateTable('price_lists')
    .set(changes)
    .where('tenant_id', '=', ctx.tenantId)
    .where('price_list_id', '=', priceListId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toPriceList(row);
  await audit(tx, ctx, { action: 'price_list.update', entityType: 'price_list', entityId: priceListId, before: { ...before }, after: { ...after } });
  await appendEvent(tx, ctx, { eventType: 'price_list.changed', aggregateType: 'price_list', aggregateId: priceListId, payload: after });
  return after;
}

export interface EntryKey {
  priceListId: string;
  itemId: string;
  unit: string;
  minQty: string;
}

/** Sets the price of one break (creates or replaces it). */
export async function setPriceListEntry(tx: Tx, ctx: OperationContext, key: EntryKey, input: { unitPrice: string }): Promise<{ before: PriceListEntry | null; after: PriceListEntry }> {
  const minQty = nonNegative(key.minQty, 'minQty');
  const unitPrice = nonNegative(input.unitPrice, 'unitPrice');
  await getPriceListOrThrow(tx, ctx, key.priceListId);
  const item = await itemForPricing(tx, ctx, { itemId: key.itemId });
  assertSellingUnit(item, key.unit);
  const before = await findEntry(tx, ctx, { ...key, minQty });
  const row = await tx
    .insertInto('price_list_entries')
    .values({ tenant_id: ctx.tenantId, price_list_id: key.priceListId, item_id: key.itemId, unit: key.unit, min_qty: minQty, unit_price: unitPrice })
    .onConflict((oc) => oc.columns(['tenant_id', 'price_list_id', 'item_id', 'unit', 'min_qty']).doUpdateSet({ unit_price: unitPrice }))
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toEntry(row);
  await audit(tx, ctx, { action: 'price_list.set_entry', entityType: 'price_list_entry', entityId: entryId(after), before: before ? { ...before } : null, after: { ...after } });
  await appendEvent(tx, ctx, { eventType: 'price_list.entry_set', aggregateType: 'price_list', aggregateId: key.priceListId, payload: after });
  return { before, after };
}

export async function deletePriceListEntry(tx: Tx, ctx: OperationContext, key: EntryKey): Promise<PriceListEntry> {
  const minQty = nonNegative(key.minQty, 'minQty');
  await getPriceListOrThrow(tx, ctx, key.priceListId);
  const row = await tx
    .deleteFrom('price_list_entries')
    .where('tenant_id', '=', ctx.tenantId)
    .where('price_list_id', '=', key.priceListId)
    .where('item_id', '=', key.itemId)
    .where('unit', '=', key.unit)
    .where('min_qty', '=', minQty)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('PRICE_LIST_ENTRY_NOT_FOUND', `price list ${key.priceListId} has no entry for item ${key.itemId} in ${key.unit} from ${minQty}`);
  const before = toEntry(row);
  await audit(tx, ctx, { action: 'price_list.delete_entry', entityType: 'price_list_entry', entityId: entryId(before), before: { ...before }, after: null });
  await appendEvent(tx, ctx, { eventType: 'price_list.entry_deleted', aggregateType: 'price_list', aggregateId: key.priceListId, payload: before });
  return before;
}

/** A list's entries in key order (item, unit, min_qty); the cursor carries the last key. */
export async function listPriceListEntries(
  tx: Tx,
  ctx: OperationContext,
  priceListId: string,
  page: PageRequest,
  filter: { itemId?: string } = {},
): Promise<Page<PriceListEntry>> {
  await getPriceListOrThrow(tx, ctx, priceListId);
  let query = tx.selectFrom('price_list_entries').selectAll().where('tenant_id', '=', ctx.tenantId).where('price_list_id', '=', priceListId);
  if (filter.itemId) query = query.where('item_id', '=', filter.itemId);
  if (page.after) {
    const [itemId, unit, minQty] = parseEntryCursor(page.after);
    query = query.where(sql<boolean>`(item_id, unit, min_qty) > (${itemId}::uuid, ${unit}, ${minQty}::numeric)`);
  }
  const rows = await query.orderBy('item_id').orderBy('unit').orderBy('min_qty').limit(page.limit + 1).execute();
  return toPage(rows.map(toEntry), page, (entry) => JSON.stringify([entry.itemId, entry.unit, entry.minQty]));
}

async function findEntry(tx: Tx, ctx: OperationContext, key: EntryKey): Promise<PriceListEntry | null> {
  const row = await tx
    .selectFrom('price_list_entries')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('price_list_id', '=', key.priceListId)
    .where('item_id', '=', key.itemId)
    .where('unit', '=', key.unit)
    .where('min_qty', '=', key.minQty)
    .executeTakeFirst();
  return row ? toEntry(row) : null;
}

function parseEntryCursor(after: string): [string, string, string] {
  try {
    const parsed: unknown = JSON.parse(after);
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((part) => typeof part === 'string')) {
      const [itemId, unit, minQty] = parsed as [string, string, string];
      if (/^[0-9a-f-]{36}$/.test(itemId) && /^\d{1,12}(\.\d{1,6})?$/.test(minQty)) return [itemId, unit, minQty];
    }
  } catch {
    // fall through
  }
  throw new AppError('CURSOR_INVALID', 'the cursor was not issued for this list');
}

function nonNegative(value: string, field: string): string {
  const parsed = parseDecimal(value, field);
  if (parsed.isNegative()) throw new AppError('VALIDATION_FAILED', `${field} must not be negative`, [{ field, message: 'is negative' }]);
  return decimalString(parsed);
}

function entryId(entry: PriceListEntry): string {
  return `${entry.priceListId}/${entry.itemId}/${entry.unit}/${entry.minQty}`;
}

function toPriceList(row: { price_list_id: string; code: string; name: string; currency: string; is_base: boolean; active: boolean }): PriceList {
  return { priceListId: row.price_list_id, code: row.code, name: row.name, currency: row.currency, isBase: row.is_base, active: row.active };
}

function toEntry(row: { price_list_id: string; item_id: string; unit: string; min_qty: string; unit_price: string }): PriceListEntry {
  return { priceListId: row.price_list_id, itemId: row.item_id, unit: row.unit, minQty: decimalString(row.min_qty), unitPrice: decimalString(row.unit_price) };
}
