import type { Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { DB, Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { assertRevision } from '../../platform/http/revision.ts';
import { newId } from '../../platform/ids.ts';
import { minorFromDb } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { assertPriceListExists, assertWarehouseUsable, containsPattern, functionalCurrencyOrThrow, isUniqueViolation } from './partners.queries.ts';

/**
 * Customers and their policies: credit (limit, terms, past-due tolerance), pricing (tier,
 * price list), fulfilment (default warehouse, freight terms) and allocation (partial
 * shipments, what happens to the remainder, splitting across warehouses). The customer row
 * is also the credit row of DESIGN §2a: lockCustomerForCredit serialises confirmations.
 */

export type FreightTerms = 'prepaid' | 'collect' | 'prepaid_and_add';
export type RemainderPolicy = 'backorder' | 'cancel';

export interface Customer {
  customerId: string;
  code: string;
  name: string;
  currency: string;
  creditLimitMinor: number;
  paymentTermsDays: number;
  pastDueToleranceDays: number;
  customerTier: string | null;
  priceListId: string | null;
  defaultWarehouseId: string | null;
  freightTerms: FreightTerms;
  allowPartialShipment: boolean;
  remainderPolicy: RemainderPolicy;
  allowSplitWarehouses: boolean;
  active: boolean;
  revision: number;
}

export interface CustomerPolicyInput {
  creditLimitMinor?: number;
  paymentTermsDays?: number;
  pastDueToleranceDays?: number;
  customerTier?: string | null;
  priceListId?: string | null;
  defaultWarehouseId?: string | null;
  freightTerms?: FreightTerms;
  allowPartialShipment?: boolean;
  remainderPolicy?: RemainderPolicy;
  allowSplitWarehouses?: boolean;
}

export interface CreateCustomerInput extends CustomerPolicyInput {
  code: string;
  name: string;
  currency?: string;
}

export interface UpdateCustomerInput extends CustomerPolicyInput {
  name?: string;
}

type CustomerRow = Selectable<DB['customers']>;

export async function createCustomer(tx: Tx, ctx: OperationContext, input: CreateCustomerInput): Promise<Customer> {
  const currency = await functionalCurrencyOrThrow(tx, ctx, input.currency);
  await checkReferences(tx, ctx, input);
  const customerId = newId();
  const now = ctx.clock.now();
  let row: CustomerRow;
  try {
    row = await tx
      .insertInto('customers')
      .values({ tenant_id: ctx.tenantId, customer_id: customerId, code: input.code, name: input.name.trim(), currency, ...policyColumns(input), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, 'customers_tenant_id_code_key') || isUniqueViolation(error, 'customers_code_ci_key')) throw new AppError('CUSTOMER_CODE_TAKEN', `another customer has code ${input.code}`);
    throw error;
  }
  const customer = toCustomer(row);
  await audit(tx, ctx, { action: 'customer.create', entityType: 'customer', entityId: customerId, before: null, after: { ...customer } });
  await appendEvent(tx, ctx, { eventType: 'customer.created', aggregateType: 'customer', aggregateId: customerId, payload: customer });
  return customer;
}

export async function getCustomerOrThrow(tx: Tx, ctx: OperationContext, customerId: string): Promise<Customer> {
  const row = await selectCustomers(tx, ctx).where('customer_id', '=', customerId).executeTakeFirst();
  if (!row) throw new AppError('CUSTOMER_NOT_FOUND', `no customer ${customerId}`);
  return toCustomer(row);
}

/**
 * The credit row (DESIGN §2a, lock order step 2): the customer FOR NO KEY UPDATE, taken at
 * confirmation so that two concurrent orders of one customer are checked one after the
 * other against the limit. NO KEY UPDATE leaves foreign-key checks (new ship-tos, orders
 * inserted meanwhile) unblocked.
 */
export async function lockCustomerForCredit(tx: Tx, ctx: OperationContext, customerId: string): Promise<Customer> {
  const row = await selectCustomers(tx, ctx).where('customer_id', '=', customerId).forNoKeyUpdate().executeTakeFirst();
  if (!row) throw new AppError('CUSTOMER_NOT_FOUND', `no customer ${customerId}`);
  return toCustomer(row);
}

export async function listCustomers(
  tx: Tx,
  ctx: OperationContext,
  page: PageRequest,
  filter: { active?: boolean; search?: string; customerTier?: string } = {},
): Promise<Page<Customer>> {
  let query = selectCustomers(tx, ctx);
  if (page.after) query = query.where('customer_id', '>', page.after);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.customerTier !== undefined) query = query.where('customer_tier', '=', filter.customerTier);
  if (filter.search !== undefined) {
    const pattern = containsPattern(filter.search);
    query = query.where((eb) => eb.or([eb('code', 'ilike', pattern), eb('name', 'ilike', pattern)]));
  }
  const rows = await query.orderBy('customer_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toCustomer), page, (customer) => customer.customerId);
}

/** Changes the customer under optimistic concurrency: `expectedRevision` comes from If-Match. */
export async function updateCustomer(tx: Tx, ctx: OperationContext, customerId: string, expectedRevision: number, patch: UpdateCustomerInput): Promise<Customer> {
  const before = await lockCustomerForCredit(tx, ctx, customerId);
  assertRevision(before.revision, expectedRevision, `customer ${before.code}`);
  await checkReferences(tx, ctx, patch);
  const row = await tx
    .updateTable('customers')
    .set({
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...policyColumns(patch),
      revision: before.revision + 1,
      updated_at: ctx.clock.now(),
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return recordCustomerChange(tx, ctx, 'customer.update', before, toCustomer(row));
}

/** Deactivated customers keep their history and open items; new orders are refused (CUSTOMER_INACTIVE). */
export async function setCustomerActive(tx: Tx, ctx: OperationContext, customerId: string, active: boolean): Promise<Customer> {
  const before = await lockCustomerForCredit(tx, ctx, customerId);
  if (before.active === active) return before;
  const row = await tx
    .updateTable('customers')
    .set({ active, revision: before.revision + 1, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('customer_id', '=', customerId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return recordCustomerChange(tx, ctx, active ? 'customer.reactivate' : 'customer.deactivate', before, toCustomer(row));
}

/** For order capture: the customer, refused when deactivated. */
export async function getActiveCustomerOrThrow(tx: Tx, ctx: OperationContext, customerId: string): Promise<Customer> {
  const customer = await getCustomerOrThrow(tx, ctx, customerId);
  if (!customer.active) throw new AppError('CUSTOMER_INACTIVE', `customer ${customer.code} is deactivated`);
  return customer;
}

async function recordCustomerChange(tx: Tx, ctx: OperationContext, action: string, before: Customer, after: Customer): Promise<Customer> {
  await audit(tx, ctx, { action, entityType: 'customer', entityId: after.customerId, before: { ...before }, after: { ...after } });
  await appendEvent(tx, ctx, { eventType: 'customer.updated', aggregateType: 'customer', aggregateId: after.customerId, payload: after });
  return after;
}

async function checkReferences(tx: Tx, ctx: OperationContext, input: CustomerPolicyInput): Promise<void> {
  await assertWarehouseUsable(tx, ctx, input.defaultWarehouseId, 'defaultWarehouseId');
  await assertPriceListExists(tx, ctx, input.priceListId);
}

function policyColumns(input: CustomerPolicyInput) {
  const columns = {
    credit_limit_minor: input.creditLimitMinor,
    payment_terms_days: input.paymentTermsDays,
    past_due_tolerance_days: input.pastDueToleranceDays,
    customer_tier: input.customerTier,
    price_list_id: input.priceListId,
    default_warehouse_id: input.defaultWarehouseId,
    freight_terms: input.freightTerms,
    allow_partial_shipment: input.allowPartialShipment,
    remainder_policy: input.remainderPolicy,
    allow_split_warehouses: input.allowSplitWarehouses,
  };
  invariant(input.creditLimitMinor === undefined || Number.isSafeInteger(input.creditLimitMinor), 'credit limit must be a safe integer');
  // Absent fields keep their default (create) or current value (update).
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined)) as Partial<typeof columns>;
}

function selectCustomers(tx: Tx, ctx: OperationContext) {
  return tx.selectFrom('customers').selectAll().where('tenant_id', '=', ctx.tenantId);
}

function toCustomer(row: CustomerRow): Customer {
  return {
    customerId: row.customer_id,
    code: row.code,
    name: row.name,
    currency: row.currency,
    creditLimitMinor: minorFromDb(row.credit_limit_minor),
    paymentTermsDays: row.payment_terms_days,
    pastDueToleranceDays: row.past_due_tolerance_days,
    customerTier: row.customer_tier,
    priceListId: row.price_list_id,
    defaultWarehouseId: row.default_warehouse_id,
    freightTerms: row.freight_terms as FreightTerms,
    allowPartialShipment: row.allow_partial_shipment,
    remainderPolicy: row.remainder_policy as RemainderPolicy,
    allowSplitWarehouses: row.allow_split_warehouses,
    active: row.active,
    revision: row.revision,
  };
}
