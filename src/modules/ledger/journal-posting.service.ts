import type { OperationContext } from '../../platform/context.ts';
import { actorRef, today } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { memoInTransaction } from '../../platform/db/transaction-memo.ts';
import { invariant } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getTenantOrThrow } from '../access/index.ts';

/**
 * Posting: the one door through which every module writes the general ledger.
 * Posting rules address accounts by their role (seeded with the chart of
 * accounts, db/migrations/0015_ledger.sql), never by code, so a tenant may
 * renumber its chart without touching a rule.
 *
 * The database checks at commit that every entry balances (SQLSTATE QM002) and
 * refuses an entry dated in a closed period (QM001 → PERIOD_CLOSED); this
 * function checks the balance first as well, because an unbalanced entry from
 * code is a bug that should name itself where it happens.
 */

export const ACCOUNT_ROLES = [
  'cash',
  'accounts_receivable',
  'inventory',
  'accounts_payable',
  'grni',
  'sales_tax_payable',
  'opening_balance_equity',
  'retained_earnings',
  'revenue',
  'freight_income',
  'sales_returns',
  'cogs',
  'purchase_price_variance',
  'inventory_adjustments',
  'freight_expense',
] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export interface PostingLine {
  account: AccountRole;
  /** Integer minor units of the functional currency, ≥ 0; give one side. */
  debitMinor?: number;
  creditMinor?: number;
  memo?: string;
}

export interface PostJournalEntryInput {
  /** Business date (YYYY-MM-DD); default today in the tenant's zone. Decides the period. */
  entryDate?: string;
  sourceType: string;
  sourceId: string;
  sourceNumber?: string | null;
  description: string;
  lines: PostingLine[];
  /** Set only by reverseJournalEntry. */
  reversesEntryId?: string;
}

export interface PostedJournalEntry {
  entryId: string;
  entryDate: string;
  lines: Array<{ lineNumber: number; account: AccountRole; accountId: string; debitMinor: number; creditMinor: number }>;
}

/** Account id by role, read once per transaction. */
export async function accountIdsByRole(tx: Tx, ctx: Pick<OperationContext, 'tenantId'>): Promise<Map<string, string>> {
  return memoInTransaction(tx, 'ledger:account-roles', async () => {
    const rows = await tx
      .selectFrom('accounts')
      .select(['account_id', 'system_role'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('system_role', 'is not', null)
      .execute();
    return new Map(rows.map((row) => [row.system_role!, row.account_id]));
  });
}

/**
 * Posts one balanced entry in the caller's transaction. Zero lines are dropped;
 * when nothing is left, nothing is written and the result is null (a shipment
 * of free goods has no cost to post).
 */
export async function postJournalEntry(tx: Tx, ctx: OperationContext, input: PostJournalEntryInput): Promise<PostedJournalEntry | null> {
  const lines = input.lines.filter((line) => (line.debitMinor ?? 0) !== 0 || (line.creditMinor ?? 0) !== 0);
  let debits = 0n;
  let credits = 0n;
  for (const line of lines) {
    const debit = line.debitMinor ?? 0;
    const credit = line.creditMinor ?? 0;
    invariant(Number.isSafeInteger(debit) && Number.isSafeInteger(credit) && debit >= 0 && credit >= 0, 'posting amounts are non-negative integers');
    invariant(debit === 0 || credit === 0, 'a posting line has one side');
    debits += BigInt(debit);
    credits += BigInt(credit);
  }
  invariant(debits === credits, `journal entry for ${input.sourceType} ${input.sourceId} does not balance: ${debits} ≠ ${credits}`);
  if (lines.length === 0) return null;

  const accounts = await accountIdsByRole(tx, ctx);
  const posted = lines.map((line, index) => {
    const accountId = accounts.get(line.account);
    invariant(accountId, `the tenant's chart of accounts has no ${line.account} account`);
    return { lineNumber: index + 1, account: line.account, accountId, debitMinor: line.debitMinor ?? 0, creditMinor: line.creditMinor ?? 0, memo: line.memo ?? null };
  });
  const { entryId, entryDate } = await writeJournalEntry(tx, ctx, input, posted);
  return { entryId, entryDate, lines: posted.map(({ memo: _memo, ...line }) => line) };
}

export interface JournalLineToWrite {
  lineNumber: number;
  accountId: string;
  debitMinor: number;
  creditMinor: number;
  memo: string | null;
}

/**
 * Inserts an entry and its lines by account id. Callers have checked the balance;
 * the database checks it again at commit. Shared by posting rules (accounts by
 * role), manual entries (accounts by code) and reversals (the original's accounts).
 */
export async function writeJournalEntry(
  tx: Tx,
  ctx: OperationContext,
  input: Omit<PostJournalEntryInput, 'lines'>,
  lines: JournalLineToWrite[],
): Promise<{ entryId: string; entryDate: string; currency: string }> {
  const currency = await memoInTransaction(tx, 'tenant:currency', async () => (await getTenantOrThrow(tx, ctx.tenantId)).functionalCurrency);
  const entryId = newId();
  const entryDate = input.entryDate ?? today(ctx);
  await tx
    .insertInto('journal_entries')
    .values({
      tenant_id: ctx.tenantId,
      entry_id: entryId,
      entry_date: entryDate,
      // The trigger derives the period from the date (and refuses a closed one).
      period: entryDate.slice(0, 7),
      source_type: input.sourceType,
      source_id: input.sourceId,
      source_number: input.sourceNumber ?? null,
      description: input.description,
      currency,
      reverses_entry_id: input.reversesEntryId ?? null,
      posted_at: ctx.clock.now(),
      posted_by: actorRef(ctx.actor),
    })
    .execute();
  await tx
    .insertInto('journal_lines')
    .values(
      lines.map((line) => ({
        tenant_id: ctx.tenantId,
        entry_id: entryId,
        line_number: line.lineNumber,
        account_id: line.accountId,
        debit_minor: line.debitMinor,
        credit_minor: line.creditMinor,
        transaction_currency: currency,
        transaction_amount_minor: line.debitMinor - line.creditMinor,
        memo: line.memo,
      })),
    )
    .execute();
  return { entryId, entryDate, currency };
}
