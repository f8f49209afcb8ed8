import type { Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { DB, Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { getCustomerOrThrow } from './customers.service.ts';
import { assertJurisdictionUsable, assertWarehouseUsable, isUniqueViolation } from './partners.queries.ts';

/**
 * Ship-to addresses. Each carries the tax jurisdiction that taxes the lines shipped there,
 * and may override the customer's default warehouse. Deactivated, never deleted: orders
 * refer to them.
 */

export interface ShipTo {
  shipToId: string;
  customerId: string;
  code: string;
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  jurisdictionCode: string;
  defaultWarehouseId: string | null;
  active: boolean;
}

export interface CreateShipToInput {
  code: string;
  name: string;
  addressLine1: string;
  addressLine2?: string | null;
  city: string;
  region?: string | null;
  postalCode?: string | null;
  country: string;
  jurisdictionCode: string;
  defaultWarehouseId?: string | null;
}

export async function createShipTo(tx: Tx, ctx: OperationContext, customerId: string, input: CreateShipToInput): Promise<ShipTo> {
  await getCustomerOrThrow(tx, ctx, customerId);
  await assertJurisdictionUsable(tx, ctx, input.jurisdictionCode, 'jurisdictionCode');
  await assertWarehouseUsable(tx, ctx, input.defaultWarehouseId, 'defaultWarehouseId');
  let row: Selectable<DB['ship_tos']>;
  try {
    row = await tx
      .insertInto('ship_tos')
      .values({
        tenant_id: ctx.tenantId,
        ship_to_id: newId(),
        customer_id: customerId,
        code: input.code,
        name: input.name.trim(),
        address_line1: input.addressLine1,
        address_line2: input.addressLine2 ?? null,
        city: input.city,
        region: input.region ?? null,
        postal_code: input.postalCode ?? null,
        country: input.country,
        jurisdiction_code: input.jurisdictionCode,
        default_warehouse_id: input.defaultWarehouseId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, 'ship_tos_tenant_id_customer_id_code_key')) throw new AppError('SHIP_TO_CODE_TAKEN', `the customer already has ship-to ${input.code}`);
    throw error;
  }
  const shipTo = toShipTo(row);
  await audit(tx, ctx, { action: 'ship_to.create', entityType: 'ship_to', entityId: shipTo.shipToId, before: null, after: { ...shipTo } });
  return shipTo;
}

/** The ship-to of an order: SHIP_TO_NOT_FOUND when missing, inactive, or another customer's. */
export async function getShipToOrThrow(tx: Tx, ctx: OperationContext, customerId: string, shipToId: string): Promise<ShipTo> {
  const shipTo = await findShipTo(tx, ctx, customerId, shipToId);
  if (!shipTo?.active) throw new AppError('SHIP_TO_NOT_FOUND', `customer ${customerId} has no active ship-to ${shipToId}`);
  return shipTo;
}

/** Any of the customer's ship-tos, active or not (for reading). */
export async function findShipToOrThrow(tx: Tx, ctx: OperationContext, customerId: string, shipToId: string): Promise<ShipTo> {
  const shipTo = await findShipTo(tx, ctx, customerId, shipToId);
  if (!shipTo) throw new AppError('SHIP_TO_NOT_FOUND', `customer ${customerId} has no ship-to ${shipToId}`);
  return shipTo;
}

export async function listShipTos(tx: Tx, ctx: OperationContext, customerId: string, page: PageRequest, filter: { active?: boolean } = {}): Promise<Page<ShipTo>> {
  await getCustomerOrThrow(tx, ctx, customerId);
  let query = tx.selectFrom('ship_tos').selectAll().where('tenant_id', '=', ctx.tenantId).where('customer_id', '=', customerId);
  if (page.after) query = query.where('ship_to_id', '>', page.after);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  const rows = await query.orderBy('ship_to_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toShipTo), page, (shipTo) => shipTo.shipToId);
}

export async function setShipToActive(tx: Tx, ctx: OperationContext, customerId: string, shipToId: string, active: boolean): Promise<ShipTo> {
  const before = await findShipToOrThrow(tx, ctx, customerId, shipToId);
  if (before.active === active) return before;
  const row = await tx
    .updateTable('ship_tos')
    .set({ active })
    .where('tenant_id', '=', ctx.tenantId)
    .where('ship_to_id', '=', shipToId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toShipTo(row);
  await audit(tx, ctx, { action: active ? 'ship_to.reactivate' : 'ship_to.deactivate', entityType: 'ship_to', entityId: shipToId, before: { ...before }, after: { ...after } });
  return after;
}

async function findShipTo(tx: Tx, ctx: OperationContext, customerId: string, shipToId: string): Promise<ShipTo | undefined> {
  const row = await tx
    .selectFrom('ship_tos')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .where('ship_to_id', '=', shipToId)
    .executeTakeFirst();
  return row ? toShipTo(row) : undefined;
}

function toShipTo(row: Selectable<DB['ship_tos']>): ShipTo {
  return {
    shipToId: row.ship_to_id,
    customerId: row.customer_id,
    code: row.code,
    name: row.name,
    addressLine1: row.address_line1,
    addressLine2: row.address_line2,
    city: row.city,
    region: row.region,
    postalCode: row.postal_code,
    country: row.country,
    jurisdictionCode: row.jurisdiction_code,
    defaultWarehouseId: row.default_warehouse_id,
    active: row.active,
  };
}
