import type { OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { getTenantOrThrow } from '../access/index.ts';

/** SQL shared by the partners services: reference checks and database error helpers. */

/**
 * One functional currency per tenant (DESIGN §2b): a partner in another currency is refused
 * for now. An absent currency means the functional one.
 */
export async function functionalCurrencyOrThrow(tx: Tx, ctx: OperationContext, requested: string | undefined): Promise<string> {
  const { functionalCurrency } = await getTenantOrThrow(tx, ctx.tenantId);
  if (requested !== undefined && requested !== functionalCurrency) {
    throw new AppError('CURRENCY_NOT_SUPPORTED', `${requested} is not this tenant's functional currency (${functionalCurrency}); only ${functionalCurrency} is supported`, [
      { field: 'currency', message: `must be ${functionalCurrency}` },
    ]);
  }
  return functionalCurrency;
}

/**
 * Warehouses belong to inventory, but one database is the point (STYLE §3): a partner's
 * default warehouse is checked here with a read of the shared table, so partners does not
 * depend on the inventory module's code. Only an active warehouse can be a default.
 */
export async function assertWarehouseUsable(tx: Tx, ctx: OperationContext, warehouseId: string | null | undefined, field: string): Promise<void> {
  if (warehouseId == null) return;
  const row = await tx
    .selectFrom('warehouses')
    .select('active')
    .where('tenant_id', '=', ctx.tenantId)
    .where('warehouse_id', '=', warehouseId)
    .executeTakeFirst();
  if (!row?.active) {
    throw new AppError('WAREHOUSE_INVALID', `warehouse ${warehouseId} ${row ? 'is inactive' : 'does not exist'}`, [{ field, message: 'is not an active warehouse' }]);
  }
}

/** The same for a customer's price list (owned by pricing). */
export async function assertPriceListExists(tx: Tx, ctx: OperationContext, priceListId: string | null | undefined): Promise<void> {
  if (priceListId == null) return;
  const row = await tx
    .selectFrom('price_lists')
    .select('price_list_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('price_list_id', '=', priceListId)
    .executeTakeFirst();
  if (!row) throw new AppError('PRICE_LIST_INVALID', `price list ${priceListId} does not exist`, [{ field: 'priceListId', message: 'is not a price list' }]);
}

/** A tax jurisdiction that a ship-to or an exemption names must exist and be active. */
export async function assertJurisdictionUsable(tx: Tx, ctx: OperationContext, jurisdictionCode: string, field: string): Promise<void> {
  const row = await tx
    .selectFrom('tax_jurisdictions')
    .select('active')
    .where('tenant_id', '=', ctx.tenantId)
    .where('jurisdiction_code', '=', jurisdictionCode)
    .executeTakeFirst();
  if (!row?.active) {
    throw new AppError('TAX_JURISDICTION_INVALID', `tax jurisdiction ${jurisdictionCode} ${row ? 'is inactive' : 'does not exist'}`, [{ field, message: 'is not an active tax jurisdiction' }]);
  }
}

/** A LIKE pattern that matches `text` literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return (error as { code?: string }).code === '23505' && (error as { constraint?: string }).constraint === constraint;
}
