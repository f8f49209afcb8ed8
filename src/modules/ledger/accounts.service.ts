import type { Selectable } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import type { OperationContext } from '../../platform/context.ts';
import type { DB, Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { newId } from '../../platform/ids.ts';
import { memoInTransaction } from '../../platform/db/transaction-memo.ts';
import type { AccountRole } from './journal-posting.service.ts';

/**
 * The chart of accounts. Every tenant starts with the standard distributor chart
 * (db/migrations/0015_ledger.sql), whose accounts carry a system role that the
 * posting rules address; a controller adds accounts of their own (no role) for
 * manual entries. Accounts are deactivated, never deleted, and an account with a
 * system role stays active: a posting rule must always find its account.
 */

export const ACCOUNT_TYPES = ['asset', 'liability', 'equity', 'revenue', 'expense'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export interface Account {
  accountId: string;
  code: string;
  name: string;
  type: AccountType;
  role: AccountRole | null;
  active: boolean;
  createdAt: Date;
}

export interface CreateAccountInput {
  code: string;
  name: string;
  type: AccountType;
}

export interface UpdateAccountInput {
  name?: string | undefined;
  active?: boolean | undefined;
}

const ACCOUNT_CODE_PATTERN = /^[0-9A-Z][0-9A-Z.-]{0,19}$/;

export async function listAccounts(
  tx: Tx,
  ctx: OperationContext,
  page: PageRequest,
  filter: { active?: boolean | undefined; type?: AccountType | undefined } = {},
): Promise<Page<Account>> {
  let query = tx.selectFrom('accounts').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  if (filter.type) query = query.where('account_type', '=', filter.type);
  // Codes are unique per tenant and read in chart order, so the code is the page key.
  if (page.after) query = query.where('code', '>', page.after);
  const rows = await query.orderBy('code').limit(page.limit + 1).execute();
  return toPage(rows.map(toAccount), page, (account) => account.code);
}

export async function getAccountOrThrow(tx: Tx, ctx: OperationContext, accountId: string): Promise<Account> {
  const row = await tx.selectFrom('accounts').selectAll().where('tenant_id', '=', ctx.tenantId).where('account_id', '=', accountId).executeTakeFirst();
  if (!row) throw new AppError('ACCOUNT_NOT_FOUND', `no account ${accountId}`);
  return toAccount(row);
}

/** Accounts by code (upper-cased), read once per transaction, for manual entries. */
export async function accountsByCode(tx: Tx, ctx: OperationContext): Promise<Map<string, Account>> {
  return memoInTransaction(tx, 'ledger:accounts-by-code', async () => {
    const rows = await tx.selectFrom('accounts').selectAll().where('tenant_id', '=', ctx.tenantId).execute();
    return new Map(rows.map((row) => [row.code, toAccount(row)]));
  });
}

export async function createAccount(tx: Tx, ctx: OperationContext, input: CreateAccountInput): Promise<Account> {
  const code = input.code.trim().toUpperCase();
  if (!ACCOUNT_CODE_PATTERN.test(code)) {
    throw new AppError('VALIDATION_FAILED', 'code is 1 to 20 digits, capital letters, dots or dashes', [{ field: '/code', message: 'is not an account code' }]);
  }
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw new AppError('VALIDATION_FAILED', 'name is 1 to 200 characters', [{ field: '/name', message: 'is empty or too long' }]);
  const accountId = newId();
  // ON CONFLICT keeps the transaction usable and answers a concurrent duplicate too:
  // the second insert waits on the unique index and then inserts nothing.
  const row = await tx
    .insertInto('accounts')
    .values({ tenant_id: ctx.tenantId, account_id: accountId, code, name, account_type: input.type, system_role: null, active: true, created_at: ctx.clock.now() })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'code']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('ACCOUNT_CODE_TAKEN', `an account with code ${code} already exists`);
  const account = toAccount(row);
  await audit(tx, ctx, { action: 'account.create', entityType: 'account', entityId: accountId, before: null, after: auditRecord(account) });
  return account;
}

/** Renames and/or (de)activates an account. A system-role account cannot be deactivated. */
export async function updateAccount(tx: Tx, ctx: OperationContext, accountId: string, input: UpdateAccountInput): Promise<Account> {
  const before = await tx
    .selectFrom('accounts')
    .selectAll()
    .where('tenant_id', '=', ctx.tenantId)
    .where('account_id', '=', accountId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!before) throw new AppError('ACCOUNT_NOT_FOUND', `no account ${accountId}`);
  const name = input.name?.trim();
  if (name !== undefined && (name.length === 0 || name.length > 200)) {
    throw new AppError('VALIDATION_FAILED', 'name is 1 to 200 characters', [{ field: '/name', message: 'is empty or too long' }]);
  }
  if (input.active === false && before.system_role !== null) {
    throw new AppError('ACCOUNT_INVALID', `account ${before.code} is the ${before.system_role} account of the posting rules and cannot be deactivated`);
  }
  const row = await tx
    .updateTable('accounts')
    .set({ name: name ?? before.name, active: input.active ?? before.active })
    .where('tenant_id', '=', ctx.tenantId)
    .where('account_id', '=', accountId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const account = toAccount(row);
  await audit(tx, ctx, { action: 'account.update', entityType: 'account', entityId: accountId, before: auditRecord(toAccount(before)), after: auditRecord(account) });
  return account;
}

function auditRecord(account: Account) {
  return { code: account.code, name: account.name, type: account.type, role: account.role, active: account.active };
}

export function toAccount(row: Selectable<DB['accounts']>): Account {
  return {
    accountId: row.account_id,
    code: row.code,
    name: row.name,
    type: row.account_type as AccountType,
    role: row.system_role as AccountRole | null,
    active: row.active,
    createdAt: row.created_at,
  };
}
