import { sql } from 'kysely';
import { today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { memoInTransaction } from '../../platform/db/transaction-memo.ts';
import { AppError } from '../../platform/errors.ts';
import { minorFromDb } from '../../platform/money.ts';
import { getTenantOrThrow } from '../access/index.ts';
import { getCustomerOrThrow, isBusinessDate } from '../partners/index.ts';
import { AGING_BUCKETS, agingColumn, type AgingColumn } from './rules/ar-aging-buckets.ts';

/**
 * AR aging: every customer's open receivable items, bucketed by days past due on `asOf`
 * (default: today in the tenant's zone). The report is of what is open NOW, aged as of the
 * given date — it moves the aging date, it does not reconstruct past balances — so that its
 * grand total is exactly Σ open items = the GL accounts receivable balance.
 */

export type AgingAmounts = Record<AgingColumn, number> & { totalMinor: number };

export interface AgingCustomerRow extends AgingAmounts {
  customerId: string;
  code: string;
  name: string;
}

export interface ArAgingReport {
  asOf: string;
  currency: string;
  customers: AgingCustomerRow[];
  totals: AgingAmounts;
}

const COLUMNS: AgingColumn[] = [...AGING_BUCKETS, 'unappliedCredits'];

function emptyAmounts(): AgingAmounts {
  return { current: 0, days1To30: 0, days31To60: 0, days61To90: 0, over90: 0, unappliedCredits: 0, totalMinor: 0 };
}

export async function arAging(tx: Tx, ctx: OperationContext, input: { asOf?: string | undefined; customerId?: string | undefined } = {}): Promise<ArAgingReport> {
  const asOf = input.asOf ?? today(ctx);
  if (!isBusinessDate(asOf)) throw new AppError('VALIDATION_FAILED', 'asOf is a date (YYYY-MM-DD)', [{ field: 'asOf', message: 'is not a date' }]);
  if (input.customerId !== undefined) await getCustomerOrThrow(tx, ctx, input.customerId);
  const currency = await memoInTransaction(tx, 'tenant:currency', async () => (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency);

  // Summed in the database per (customer, due date, sign): the bucketing rule then runs on a
  // few rows per customer rather than on every open item.
  let query = tx
    .selectFrom('receivable_open_items as o')
    .innerJoin('customers as c', (join) => join.onRef('c.tenant_id', '=', 'o.tenant_id').onRef('c.customer_id', '=', 'o.customer_id'))
    .select([
      'o.customer_id',
      'c.code',
      'c.name',
      'o.due_date',
      sql<boolean>`o.open_minor > 0`.as('is_debit'),
      sql<string>`sum(o.open_minor)`.as('open_minor'),
    ])
    .where('o.tenant_id', '=', ctx.tenantId)
    .where('o.open_minor', '<>', '0')
    .groupBy(['o.customer_id', 'c.code', 'c.name', 'o.due_date', sql`o.open_minor > 0`])
    .orderBy('c.code')
    .orderBy('o.customer_id');
  if (input.customerId !== undefined) query = query.where('o.customer_id', '=', input.customerId);
  const rows = await query.execute();

  const customers = new Map<string, AgingCustomerRow>();
  const totals = emptyAmounts();
  for (const row of rows) {
    let customer = customers.get(row.customer_id);
    if (!customer) customers.set(row.customer_id, (customer = { customerId: row.customer_id, code: row.code, name: row.name, ...emptyAmounts() }));
    const openMinor = minorFromDb(row.open_minor);
    const column = agingColumn(openMinor, row.due_date, asOf);
    if (column === null) continue;
    customer[column] += openMinor;
    customer.totalMinor += openMinor;
    totals[column] += openMinor;
    totals.totalMinor += openMinor;
  }
  for (const amounts of [...customers.values(), totals]) {
    // Sums of safe integers stay exact only while they remain safe integers.
    for (const column of [...COLUMNS, 'totalMinor' as const]) minorFromDb(amounts[column]);
  }
  return { asOf, currency, customers: [...customers.values()], totals };
}
