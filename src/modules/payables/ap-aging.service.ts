import { sql } from 'kysely';
import { today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { memoInTransaction } from '../../platform/db/transaction-memo.ts';
import { AppError } from '../../platform/errors.ts';
import { minorFromDb } from '../../platform/money.ts';
import { getTenantOrThrow } from '../access/index.ts';
import { AGING_BUCKETS, agingBucket, type AgingBucket } from '../billing/index.ts';
import { getSupplierOrThrow, isBusinessDate } from '../partners/index.ts';

/**
 * AP aging: what we owe each supplier, bucketed by days past due on `asOf` (default today in the
 * tenant's zone) with the AR aging's bucket rule (billing/rules/ar-aging-buckets.ts). Like the AR
 * aging it reports what is open NOW, aged as of the date, so that its grand total is exactly
 * Σ payable open items = − the GL accounts payable balance. There are no supplier credits yet,
 * so every open amount is positive.
 */

export type ApAgingAmounts = Record<AgingBucket, number> & { totalMinor: number };

export interface ApAgingSupplierRow extends ApAgingAmounts {
  supplierId: string;
  code: string;
  name: string;
}

export interface ApAgingReport {
  asOf: string;
  currency: string;
  suppliers: ApAgingSupplierRow[];
  totals: ApAgingAmounts;
}

function emptyAmounts(): ApAgingAmounts {
  return { current: 0, days1To30: 0, days31To60: 0, days61To90: 0, over90: 0, totalMinor: 0 };
}

export async function apAging(tx: Tx, ctx: OperationContext, input: { asOf?: string | undefined; supplierId?: string | undefined } = {}): Promise<ApAgingReport> {
  const asOf = input.asOf ?? today(ctx);
  if (!isBusinessDate(asOf)) throw new AppError('VALIDATION_FAILED', 'asOf is a date (YYYY-MM-DD)', [{ field: 'asOf', message: 'is not a date' }]);
  if (input.supplierId !== undefined) await getSupplierOrThrow(tx, ctx, input.supplierId);
  const currency = await memoInTransaction(tx, 'tenant:currency', async () => (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency);

  // Summed per (supplier, due date) in the database; the bucket rule runs on those few rows.
  let query = tx
    .selectFrom('payable_open_items as o')
    .innerJoin('suppliers as s', (join) => join.onRef('s.tenant_id', '=', 'o.tenant_id').onRef('s.supplier_id', '=', 'o.supplier_id'))
    .select(['o.supplier_id', 's.code', 's.name', 'o.due_date', sql<string>`sum(o.open_minor)`.as('open_minor')])
    .where('o.tenant_id', '=', ctx.tenantId)
    .where('o.open_minor', '<>', '0')
    .groupBy(['o.supplier_id', 's.code', 's.name', 'o.due_date'])
    .orderBy('s.code')
    .orderBy('o.supplier_id');
  if (input.supplierId !== undefined) query = query.where('o.supplier_id', '=', input.supplierId);
  const rows = await query.execute();

  const suppliers = new Map<string, ApAgingSupplierRow>();
  const totals = emptyAmounts();
  for (const row of rows) {
    let supplier = suppliers.get(row.supplier_id);
    if (!supplier) suppliers.set(row.supplier_id, (supplier = { supplierId: row.supplier_id, code: row.code, name: row.name, ...emptyAmounts() }));
    const openMinor = minorFromDb(row.open_minor);
    const bucket = agingBucket(row.due_date, asOf);
    supplier[bucket] += openMinor;
    supplier.totalMinor += openMinor;
    totals[bucket] += openMinor;
    totals.totalMinor += openMinor;
  }
  for (const amounts of [...suppliers.values(), totals]) {
    // Sums of safe integers stay exact only while they remain safe integers.
    for (const column of [...AGING_BUCKETS, 'totalMinor' as const]) minorFromDb(amounts[column]);
  }
  return { asOf, currency, suppliers: [...suppliers.values()], totals };
}
