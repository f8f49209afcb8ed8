import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { decimalString, parseDecimal } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { assertSellingUnit, customerForPricing, itemForPricing } from './pricing-lookups.ts';

/**
 * Contract prices: a negotiated price for one customer and item, valid on the business dates
 * [validFrom, validTo] (inclusive, tenant zone). A contract is never deleted — order lines and
 * their explanations name it — it is ended by moving validTo.
 */

export interface ContractPrice {
  contractPriceId: string;
  customerId: string;
  itemId: string;
  unit: string;
  minQty: string;
  unitPrice: string;
  validFrom: string;
  validTo: string;
  contractReference: string | null;
}

export interface CreateContractPriceInput {
  customerId: string;
  itemId: string;
  unit: string;
  minQty?: string;
  unitPrice: string;
  validFrom: string;
  validTo: string;
  contractReference?: string | null;
}

export async function createContractPrice(tx: Tx, ctx: OperationContext, input: CreateContractPriceInput): Promise<ContractPrice> {
  const minQty = nonNegative(input.minQty ?? '0', 'minQty');
  const unitPrice = nonNegative(input.unitPrice, 'unitPrice');
  assertValidity(input.validFrom, input.validTo);
  await customerForPricing(tx, ctx, input.customerId);
  const item = await itemForPricing(tx, ctx, { itemId: input.itemId });
  assertSellingUnit(item, input.unit);
  const contractPriceId = newId();
  const row = await tx
    .insertInto('contract_prices')
    .values({
      tenant_id: ctx.tenantId,
      contract_price_id: contractPriceId,
      customer_id: input.customerId,
      item_id: input.itemId,
      unit: input.unit,
      min_qty: minQty,
      unit_price: unitPrice,
      valid_from: input.validFrom,
      valid_to: input.validTo,
      contract_reference: input.contractReference ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const contract = toContractPrice(row);
  await audit(tx, ctx, { action: 'contract_price.create', entityType: 'contract_price', entityId: contractPriceId, before: null, after: { ...contract } });
  await appendEvent(tx, ctx, { eventType: 'contract_price.created', aggregateType: 'contract_price', aggregateId: contractPriceId, payload: contract });
  return contract;
}

export async function getContractPriceOrThrow(tx: Tx, ctx: OperationContext, contractPriceId: string): Promise<ContractPrice> {
  const row = await tx.selectFrom('contract_prices').selectAll().where('tenant_id', '=', ctx.tenantId).where('contract_price_id', '=', contractPriceId).executeTakeFirst();
  if (!row) throw new AppError('CONTRACT_PRICE_NOT_FOUND', `no contract price ${contractPriceId}`);
  return toContractPrice(row);
}

export async function listContractPrices(
  tx: Tx,
  ctx: OperationContext,
  page: PageRequest,
  filter: { customerId?: string; itemId?: string; validOn?: string } = {},
): Promise<Page<ContractPrice>> {
  let query = tx.selectFrom('contract_prices').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (page.after) query = query.where('contract_price_id', '>', page.after);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.itemId) query = query.where('item_id', '=', filter.itemId);
  if (filter.validOn) query = query.where('valid_from', '<=', filter.validOn).where('valid_to', '>=', filter.validOn);
  const rows = await query.orderBy('contract_price_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toContractPrice), page, (contract) => contract.contractPriceId);
}

/**
 * Ends (or extends) a contract by moving its last valid day. The price and the other terms do
 * not change: a new price is a new contract, so every order line's explanation stays true.
 */
export async function setContractPriceValidTo(tx: Tx, ctx: OperationContext, contractPriceId: string, validTo: string): Promise<ContractPrice> {
  const before = await getContractPriceOrThrow(tx, ctx, contractPriceId);
  assertValidity(before.validFrom, validTo);
  if (before.validTo === validTo) return before;
  const row = await tx
    .updateTable('contract_prices')
    .set({ valid_to: validTo })
    .where('tenant_id', '=', ctx.tenantId)
    .where('contract_price_id', '=', contractPriceId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toContractPrice(row);
  await audit(tx, ctx, { action: 'contract_price.set_valid_to', entityType: 'contract_price', entityId: contractPriceId, before: { ...before }, after: { ...after } });
  await appendEvent(tx, ctx, { eventType: 'contract_price.changed', aggregateType: 'contract_price', aggregateId: contractPriceId, payload: after });
  return after;
}

function assertValidity(validFrom: string, validTo: string): void {
  if (validTo < validFrom) {
    throw new AppError('PRICE_VALIDITY_INVALID', `validTo ${validTo} is before validFrom ${validFrom}`, [{ field: 'validTo', message: 'is before validFrom' }]);
  }
}

function nonNegative(value: string, field: string): string {
  const parsed = parseDecimal(value, field);
  if (parsed.isNegative()) throw new AppError('VALIDATION_FAILED', `${field} must not be negative`, [{ field, message: 'is negative' }]);
  return decimalString(parsed);
}

function toContractPrice(row: {
  contract_price_id: string;
  customer_id: string;
  item_id: string;
  unit: string;
  min_qty: string;
  unit_price: string;
  valid_from: string;
  valid_to: string;
  contract_reference: string | null;
}): ContractPrice {
  return {
    contractPriceId: row.contract_price_id,
    customerId: row.customer_id,
    itemId: row.item_id,
    unit: row.unit,
    minQty: decimalString(row.min_qty),
    unitPrice: decimalString(row.unit_price),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    contractReference: row.contract_reference,
  };
}
