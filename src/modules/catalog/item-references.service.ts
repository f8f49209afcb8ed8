import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { getCustomerOrThrow } from '../partners/index.ts';
import { isUniqueViolation } from './items.queries.ts';
import { resolveItemOrThrow, unitFactorOrThrow } from './items.service.ts';

/**
 * Customer item cross-references: the customer's own part number for one of our items,
 * so that an EDI 850 or a portal order in the customer's terms finds our SKU. A reference
 * is mapping data, not a document: deleting one is allowed (and audited), and orders
 * that used it keep the part number on their lines.
 */

export interface ItemReference {
  customerId: string;
  customerPartNumber: string;
  itemId: string;
  sku: string;
  /** The unit the customer orders this part number in, when it is not given on the order. */
  unit: string | null;
}

export interface CreateItemReferenceInput {
  customerPartNumber: string;
  itemId?: string | undefined;
  sku?: string | undefined;
  unit?: string | null | undefined;
}

export async function createItemReference(tx: Tx, ctx: OperationContext, customerId: string, input: CreateItemReferenceInput): Promise<ItemReference> {
  await getCustomerOrThrow(tx, ctx, customerId);
  if ((input.itemId === undefined) === (input.sku === undefined)) {
    throw new AppError('VALIDATION_FAILED', 'name the item by exactly one of itemId or sku', [{ field: 'body.itemId', message: 'give itemId or sku' }]);
  }
  const item = await resolveItemOrThrow(tx, ctx, input.itemId !== undefined ? { itemId: input.itemId } : { sku: input.sku });
  const unit = input.unit ?? null;
  if (unit !== null) unitFactorOrThrow(item, unit);
  const reference: ItemReference = { customerId, customerPartNumber: input.customerPartNumber, itemId: item.itemId, sku: item.sku, unit };
  try {
    await tx
      .insertInto('customer_item_refs')
      .values({ tenant_id: ctx.tenantId, customer_id: customerId, customer_part_number: input.customerPartNumber, item_id: item.itemId, unit })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error, 'customer_item_refs_pkey')) {
      throw new AppError('ITEM_REFERENCE_TAKEN', `the customer already maps part number ${input.customerPartNumber}; delete it first to point it elsewhere`);
    }
    throw error;
  }
  await audit(tx, ctx, { action: 'item_reference.create', entityType: 'item_reference', entityId: referenceId(reference), before: null, after: { ...reference } });
  return reference;
}

export async function listItemReferences(
  tx: Tx,
  ctx: OperationContext,
  customerId: string,
  page: PageRequest,
  filter: { itemId?: string } = {},
): Promise<Page<ItemReference>> {
  await getCustomerOrThrow(tx, ctx, customerId);
  let query = selectReferences(tx, ctx).where('r.customer_id', '=', customerId);
  if (page.after !== undefined) query = query.where('r.customer_part_number', '>', page.after);
  if (filter.itemId !== undefined) query = query.where('r.item_id', '=', filter.itemId);
  const rows = await query.orderBy('r.customer_part_number').limit(page.limit + 1).execute();
  return toPage(rows.map(toReference), page, (reference) => reference.customerPartNumber);
}

export async function deleteItemReference(tx: Tx, ctx: OperationContext, customerId: string, customerPartNumber: string): Promise<ItemReference> {
  const row = await selectReferences(tx, ctx)
    .where('r.customer_id', '=', customerId)
    .where('r.customer_part_number', '=', customerPartNumber)
    .executeTakeFirst();
  if (!row) throw new AppError('ITEM_REFERENCE_NOT_FOUND', `the customer has no part number ${customerPartNumber}`);
  const reference = toReference(row);
  await tx
    .deleteFrom('customer_item_refs')
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .where('customer_part_number', '=', customerPartNumber)
    .execute();
  await audit(tx, ctx, { action: 'item_reference.delete', entityType: 'item_reference', entityId: referenceId(reference), before: { ...reference }, after: null });
  return reference;
}

function selectReferences(tx: Tx, ctx: OperationContext) {
  return tx
    .selectFrom('customer_item_refs as r')
    .innerJoin('items as i', (join) => join.onRef('i.tenant_id', '=', 'r.tenant_id').onRef('i.item_id', '=', 'r.item_id'))
    .select(['r.customer_id', 'r.customer_part_number', 'r.item_id', 'r.unit', 'i.sku'])
    .where('r.tenant_id', '=', ctx.tenantId);
}

function toReference(row: { customer_id: string; customer_part_number: string; item_id: string; unit: string | null; sku: string }): ItemReference {
  return { customerId: row.customer_id, customerPartNumber: row.customer_part_number, itemId: row.item_id, sku: row.sku, unit: row.unit };
}

function referenceId(reference: ItemReference): string {
  return `${reference.customerId}/${reference.customerPartNumber}`;
}
