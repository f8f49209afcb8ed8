import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { Dec, decimalString } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';

/**
 * Matrix discounts: a percent off the base-list price for items whose attribute (brand,
 * category, or a key of the item's attributes) has a value, for customers of a tier. One row
 * per (attribute, value, tier); optional validity dates, inclusive. Ended by validTo, like
 * contracts, so that explanations stored on order lines keep naming a row that exists.
 */

export interface MatrixDiscount {
  discountId: string;
  attribute: string;
  attributeValue: string;
  customerTier: string;
  discountPercent: string;
  validFrom: string | null;
  validTo: string | null;
}

export interface CreateMatrixDiscountInput {
  attribute: string;
  attributeValue: string;
  customerTier: string;
  discountPercent: string;
  validFrom?: string | null;
  validTo?: string | null;
}

export async function createMatrixDiscount(tx: Tx, ctx: OperationContext, input: CreateMatrixDiscountInput): Promise<MatrixDiscount> {
  const discountPercent = percent(input.discountPercent);
  assertValidity(input.validFrom ?? null, input.validTo ?? null);
  const discountId = newId();
  const row = await tx
    .insertInto('matrix_discounts')
    .values({
      tenant_id: ctx.tenantId,
      discount_id: discountId,
      attribute: input.attribute,
      attribute_value: input.attributeValue,
      customer_tier: input.customerTier,
      discount_percent: discountPercent,
      valid_from: input.validFrom ?? null,
      valid_to: input.validTo ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    throw new AppError('MATRIX_DISCOUNT_TAKEN', `a discount for ${input.attribute}=${input.attributeValue} and tier ${input.customerTier} exists; change it instead`);
  }
  const discount = toMatrixDiscount(row);
  await audit(tx, ctx, { action: 'matrix_discount.create', entityType: 'matrix_discount', entityId: discountId, before: null, after: { ...discount } });
  await appendEvent(tx, ctx, { eventType: 'matrix_discount.created', aggregateType: 'matrix_discount', aggregateId: discountId, payload: discount });
  return discount;
}

export async function getMatrixDiscountOrThrow(tx: Tx, ctx: OperationContext, discountId: string): Promise<MatrixDiscount> {
  const row = await tx.selectFrom('matrix_discounts').selectAll().where('tenant_id', '=', ctx.tenantId).where('discount_id', '=', discountId).executeTakeFirst();
  if (!row) throw new AppError('MATRIX_DISCOUNT_NOT_FOUND', `no matrix discount ${discountId}`);
  return toMatrixDiscount(row);
}

export async function listMatrixDiscounts(
  tx: Tx,
  ctx: OperationContext,
  page: PageRequest,
  filter: { attribute?: string; customerTier?: string } = {},
): Promise<Page<MatrixDiscount>> {
  let query = tx.selectFrom('matrix_discounts').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (page.after) query = query.where('discount_id', '>', page.after);
  if (filter.attribute) query = query.where('attribute', '=', filter.attribute);
  if (filter.customerTier) query = query.where('customer_tier', '=', filter.customerTier);
  const rows = await query.orderBy('discount_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toMatrixDiscount), page, (discount) => discount.discountId);
}

/** Changes the percent or the validity; attribute, value and tier are the row's identity and do not change. */
export async function updateMatrixDiscount(
  tx: Tx,
  ctx: OperationContext,
  discountId: string,
  input: { discountPercent?: string; validFrom?: string | null; validTo?: string | null },
): Promise<MatrixDiscount> {
  const before = await getMatrixDiscountOrThrow(tx, ctx, discountId);
  const next = {
    discount_percent: input.discountPercent !== undefined ? percent(input.discountPercent) : before.discountPercent,
    valid_from: input.validFrom !== undefined ? input.validFrom : before.validFrom,
    valid_to: input.validTo !== undefined ? input.validTo : before.validTo,
  };
  assertValidity(next.valid_from, next.valid_to);
  const row = await tx
    .updateTable('matrix_discounts')
    .set(next)
    .where('tenant_id', '=', ctx.tenantId)
    .where('discount_id', '=', discountId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toMatrixDiscount(row);
  await audit(tx, ctx, { action: 'matrix_discount.update', entityType: 'matrix_discount', entityId: discountId, before: { ...before }, after: { ...after } });
  await appendEvent(tx, ctx, { eventType: 'matrix_discount.changed', aggregateType: 'matrix_discount', aggregateId: discountId, payload: after });
  return after;
}

function percent(value: string): string {
  const parsed = /^\d{1,3}(\.\d{1,4})?$/.test(value) ? new Dec(value) : null;
  if (!parsed || parsed.lte(0) || parsed.gte(100)) {
    throw new AppError('VALIDATION_FAILED', 'discountPercent must be a decimal above 0 and below 100 with at most 4 places', [{ field: 'discountPercent', message: 'is not between 0 and 100' }]);
  }
  return decimalString(parsed);
}

function assertValidity(validFrom: string | null, validTo: string | null): void {
  if (validFrom !== null && validTo !== null && validTo < validFrom) {
    throw new AppError('PRICE_VALIDITY_INVALID', `validTo ${validTo} is before validFrom ${validFrom}`, [{ field: 'validTo', message: 'is before validFrom' }]);
  }
}

function toMatrixDiscount(row: {
  discount_id: string;
  attribute: string;
  attribute_value: string;
  customer_tier: string;
  discount_percent: string;
  valid_from: string | null;
  valid_to: string | null;
}): MatrixDiscount {
  return {
    discountId: row.discount_id,
    attribute: row.attribute,
    attributeValue: row.attribute_value,
    customerTier: row.customer_tier,
    discountPercent: decimalString(row.discount_percent),
    validFrom: row.valid_from,
    validTo: row.valid_to,
  };
}
