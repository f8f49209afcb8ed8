import type { Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { DB, Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { assertRevision } from '../../platform/http/revision.ts';
import { newId } from '../../platform/ids.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { containsPattern, functionalCurrencyOrThrow, isUniqueViolation } from './partners.queries.ts';

/** Suppliers: the basics purchasing needs (code, name, currency, terms). Deactivated, never deleted. */

export interface Supplier {
  supplierId: string;
  code: string;
  name: string;
  currency: string;
  paymentTermsDays: number;
  active: boolean;
  revision: number;
}

export interface CreateSupplierInput {
  code: string;
  name: string;
  currency?: string;
  paymentTermsDays?: number;
}

type SupplierRow = Selectable<DB['suppliers']>;

export async function createSupplier(tx: Tx, ctx: OperationContext, input: CreateSupplierInput): Promise<Supplier> {
  const currency = await functionalCurrencyOrThrow(tx, ctx, input.currency);
  let row: SupplierRow;
  try {
    row = await tx
      .insertInto('suppliers')
      .values({
        tenant_id: ctx.tenantId,
        supplier_id: newId(),
        code: input.code,
        name: input.name.trim(),
        currency,
        ...(input.paymentTermsDays !== undefined ? { payment_terms_days: input.paymentTermsDays } : {}),
        created_at: ctx.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, 'suppliers_tenant_id_code_key') || isUniqueViolation(error, 'suppliers_code_ci_key')) throw new AppError('SUPPLIER_CODE_TAKEN', `another supplier has code ${input.code}`);
    throw error;
  }
  const supplier = toSupplier(row);
  await audit(tx, ctx, { action: 'supplier.create', entityType: 'supplier', entityId: supplier.supplierId, before: null, after: { ...supplier } });
  await appendEvent(tx, ctx, { eventType: 'supplier.created', aggregateType: 'supplier', aggregateId: supplier.supplierId, payload: supplier });
  return supplier;
}

export async function getSupplierOrThrow(tx: Tx, ctx: OperationContext, supplierId: string): Promise<Supplier> {
  const row = await selectSuppliers(tx, ctx).where('supplier_id', '=', supplierId).executeTakeFirst();
  if (!row) throw new AppError('SUPPLIER_NOT_FOUND', `no supplier ${supplierId}`);
  return toSupplier(row);
}

export async function listSuppliers(tx: Tx, ctx: OperationContext, page: PageRequest, filter: { active?: boolean; search?: string } = {}): Promise<Page<Supplier>> {
  let query = selectSuppliers(tx, ctx);
  if (page.after) query = query.where('supplier_id', '>', page.after);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.search !== undefined) {
    const pattern = containsPattern(filter.search);
    query = query.where((eb) => eb.or([eb('code', 'ilike', pattern), eb('name', 'ilike', pattern)]));
  }
  const rows = await query.orderBy('supplier_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toSupplier), page, (supplier) => supplier.supplierId);
}

export async function updateSupplier(
  tx: Tx,
  ctx: OperationContext,
  supplierId: string,
  expectedRevision: number,
  patch: { name?: string; paymentTermsDays?: number },
): Promise<Supplier> {
  const before = await lockSupplierOrThrow(tx, ctx, supplierId);
  assertRevision(before.revision, expectedRevision, `supplier ${before.code}`);
  const row = await tx
    .updateTable('suppliers')
    .set({
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.paymentTermsDays !== undefined ? { payment_terms_days: patch.paymentTermsDays } : {}),
      revision: before.revision + 1,
    })
    .where('tenant_id', '=', ctx.tenantId)
    .where('supplier_id', '=', supplierId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return recordSupplierChange(tx, ctx, 'supplier.update', before, toSupplier(row));
}

export async function setSupplierActive(tx: Tx, ctx: OperationContext, supplierId: string, active: boolean): Promise<Supplier> {
  const before = await lockSupplierOrThrow(tx, ctx, supplierId);
  if (before.active === active) return before;
  const row = await tx
    .updateTable('suppliers')
    .set({ active, revision: before.revision + 1 })
    .where('tenant_id', '=', ctx.tenantId)
    .where('supplier_id', '=', supplierId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return recordSupplierChange(tx, ctx, active ? 'supplier.reactivate' : 'supplier.deactivate', before, toSupplier(row));
}

async function lockSupplierOrThrow(tx: Tx, ctx: OperationContext, supplierId: string): Promise<Supplier> {
  const row = await selectSuppliers(tx, ctx).where('supplier_id', '=', supplierId).forNoKeyUpdate().executeTakeFirst();
  if (!row) throw new AppError('SUPPLIER_NOT_FOUND', `no supplier ${supplierId}`);
  return toSupplier(row);
}

async function recordSupplierChange(tx: Tx, ctx: OperationContext, action: string, before: Supplier, after: Supplier): Promise<Supplier> {
  await audit(tx, ctx, { action, entityType: 'supplier', entityId: after.supplierId, before: { ...before }, after: { ...after } });
  await appendEvent(tx, ctx, { eventType: 'supplier.updated', aggregateType: 'supplier', aggregateId: after.supplierId, payload: after });
  return after;
}

function selectSuppliers(tx: Tx, ctx: OperationContext) {
  return tx.selectFrom('suppliers').selectAll().where('tenant_id', '=', ctx.tenantId);
}

function toSupplier(row: SupplierRow): Supplier {
  return {
    supplierId: row.supplier_id,
    code: row.code,
    name: row.name,
    currency: row.currency,
    paymentTermsDays: row.payment_terms_days,
    active: row.active,
    revision: row.revision,
  };
}
