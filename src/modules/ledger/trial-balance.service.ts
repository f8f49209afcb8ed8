import { sql, type RawBuilder } from 'kysely';
import { today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError, invariant } from '../../platform/errors.ts';
import { minorFromDb } from '../../platform/money.ts';
import { getTenantOrThrow } from '../access/index.ts';
import type { AccountType } from './accounts.service.ts';
import type { AccountRole } from './journal-posting.service.ts';
import { isBusinessDate } from './rules/periods.rules.ts';

/**
 * Balances are derived from journal lines, never stored (DESIGN §2a: a balance row
 * would be a hot row every posting locks). One set-based query per report.
 */

export interface TrialBalanceRow {
  accountId: string;
  code: string;
  name: string;
  type: AccountType;
  role: AccountRole | null;
  debitMinor: number;
  creditMinor: number;
  /** Σ debits − Σ credits: positive is a debit balance. */
  balanceMinor: number;
}

export interface TrialBalance {
  asOf: string;
  currency: string;
  accounts: TrialBalanceRow[];
  totals: { debitMinor: number; creditMinor: number };
}

/** Every account with lines dated on or before asOf (default today), in code order. */
export async function trialBalance(tx: Tx, ctx: OperationContext, asOf?: string): Promise<TrialBalance> {
  const date = asOf ?? today(ctx);
  if (!isBusinessDate(date)) throw new AppError('VALIDATION_FAILED', 'asOf is not a date (YYYY-MM-DD)', [{ field: '/asOf', message: 'is not a date' }]);
  const { rows } = await sql<{ account_id: string; code: string; name: string; account_type: string; system_role: string | null; debit: string; credit: string }>`
    select a.account_id, a.code, a.name, a.account_type, a.system_role, sum(l.debit_minor) as debit, sum(l.credit_minor) as credit
    from journal_lines l
    join journal_entries e on e.tenant_id = l.tenant_id and e.entry_id = l.entry_id
    join accounts a on a.tenant_id = l.tenant_id and a.account_id = l.account_id
    where l.tenant_id = ${ctx.tenantId} and e.entry_date <= ${date}
    group by a.account_id, a.code, a.name, a.account_type, a.system_role
    order by a.code`.execute(tx);
  const { functionalCurrency } = await getTenantOrThrow(tx, ctx.tenantId);
  let debits = 0;
  let credits = 0;
  const accounts = rows.map((row) => {
    const debitMinor = minorFromDb(row.debit);
    const creditMinor = minorFromDb(row.credit);
    debits = minorFromDb(debits + debitMinor);
    credits = minorFromDb(credits + creditMinor);
    return {
      accountId: row.account_id,
      code: row.code,
      name: row.name,
      type: row.account_type as AccountType,
      role: row.system_role as AccountRole | null,
      debitMinor,
      creditMinor,
      balanceMinor: debitMinor - creditMinor,
    };
  });
  // The database refuses an unbalanced entry at commit, so unequal totals are a broken invariant.
  invariant(debits === credits, `trial balance as of ${date} does not balance: ${debits} ≠ ${credits}`);
  return { asOf: date, currency: functionalCurrency, accounts, totals: { debitMinor: debits, creditMinor: credits } };
}

/** The balance (Σ debits − Σ credits, minor units) of the account with this role, over all dates or up to asOf. */
export async function accountBalanceMinor(tx: Tx, ctx: OperationContext, role: AccountRole, asOf?: string): Promise<number> {
  if (asOf !== undefined && !isBusinessDate(asOf)) throw new AppError('VALIDATION_FAILED', 'asOf is not a date (YYYY-MM-DD)', [{ field: '/asOf', message: 'is not a date' }]);
  const { rows } = await sql<{ balance: string }>`select (${accountBalanceSql(ctx.tenantId, role, asOf)}) as balance`.execute(tx);
  return minorFromDb(rows[0]!.balance);
}

/**
 * The same balance as a scalar subquery, for reports that must read it in the same
 * statement (one snapshot) as the operational figure they compare it with.
 */
export function accountBalanceSql(tenantId: string, role: AccountRole, asOf?: string): RawBuilder<string> {
  return sql<string>`select coalesce(sum(l.debit_minor - l.credit_minor), 0)
    from journal_lines l
    join accounts a on a.tenant_id = l.tenant_id and a.account_id = l.account_id
    join journal_entries e on e.tenant_id = l.tenant_id and e.entry_id = l.entry_id
    where l.tenant_id = ${tenantId} and a.system_role = ${role}
      and (${asOf ?? null}::date is null or e.entry_date <= ${asOf ?? null}::date)`;
}
