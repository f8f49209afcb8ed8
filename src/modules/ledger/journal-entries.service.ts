import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { today, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { minorFromDb } from '../../platform/money.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { accountsByCode } from './accounts.service.ts';
import { writeJournalEntry, type JournalLineToWrite } from './journal-posting.service.ts';
import { isBusinessDate } from './rules/periods.rules.ts';

/**
 * Reading journal entries, manual entries and reversals. A posted entry never
 * changes (the database refuses UPDATE and DELETE); a mistake is corrected by a
 * reversing entry — the same lines with debit and credit swapped, naming the
 * entry it reverses — dated in an open period, and then a new entry if needed.
 */

export const MANUAL_ENTRY_LINES_MAX = 200;

export interface JournalEntryLine {
  lineNumber: number;
  accountId: string;
  accountCode: string;
  accountName: string;
  debitMinor: number;
  creditMinor: number;
  memo: string | null;
}

export interface JournalEntry {
  entryId: string;
  entryDate: string;
  period: string;
  sourceType: string;
  sourceId: string;
  sourceNumber: string | null;
  description: string;
  currency: string;
  totalMinor: number;
  reversesEntryId: string | null;
  reversedByEntryId: string | null;
  postedAt: Date;
  postedBy: string;
}

export interface JournalEntryWithLines extends JournalEntry {
  lines: JournalEntryLine[];
}

export interface JournalEntryFilter {
  from?: string | undefined;
  to?: string | undefined;
  sourceType?: string | undefined;
  sourceId?: string | undefined;
  accountCode?: string | undefined;
}

export interface ManualJournalEntryInput {
  entryDate?: string | undefined;
  description: string;
  reference?: string | undefined;
  lines: Array<{ accountCode: string; debitMinor?: number | undefined; creditMinor?: number | undefined; memo?: string | undefined }>;
}

export interface ReverseJournalEntryInput {
  /** Default today in the tenant's zone; must fall in an open period. */
  entryDate?: string | undefined;
  reason: string;
}

function entryQuery(tx: Tx, ctx: OperationContext) {
  return tx
    .selectFrom('journal_entries as e')
    .leftJoin('journal_entries as r', (join) => join.onRef('r.tenant_id', '=', 'e.tenant_id').onRef('r.reverses_entry_id', '=', 'e.entry_id'))
    .selectAll('e')
    .select([
      'r.entry_id as reversed_by',
      sql<string>`(select coalesce(sum(l.debit_minor), 0) from journal_lines l where l.tenant_id = e.tenant_id and l.entry_id = e.entry_id)`.as('total_minor'),
    ])
    .where('e.tenant_id', '=', ctx.tenantId);
}

/** Entries in posting order (uuid v7 ids are time-ordered), keyset-paginated on entry_id. */
export async function listJournalEntries(tx: Tx, ctx: OperationContext, page: PageRequest, filter: JournalEntryFilter = {}): Promise<Page<JournalEntry>> {
  for (const field of ['from', 'to'] as const) {
    const value = filter[field];
    if (value !== undefined && !isBusinessDate(value)) throw new AppError('VALIDATION_FAILED', `${field} is not a date (YYYY-MM-DD)`, [{ field: `/${field}`, message: 'is not a date' }]);
  }
  let query = entryQuery(tx, ctx);
  if (filter.from) query = query.where('e.entry_date', '>=', filter.from);
  if (filter.to) query = query.where('e.entry_date', '<=', filter.to);
  if (filter.sourceType) query = query.where('e.source_type', '=', filter.sourceType);
  if (filter.sourceId) query = query.where('e.source_id', '=', filter.sourceId);
  if (filter.accountCode) {
    const code = filter.accountCode.toUpperCase();
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('journal_lines as l')
          .innerJoin('accounts as a', (join) => join.onRef('a.tenant_id', '=', 'l.tenant_id').onRef('a.account_id', '=', 'l.account_id'))
          .select('l.line_number')
          .whereRef('l.tenant_id', '=', 'e.tenant_id')
          .whereRef('l.entry_id', '=', 'e.entry_id')
          .where('a.code', '=', code),
      ),
    );
  }
  if (page.after) query = query.where('e.entry_id', '>', page.after);
  const rows = await query.orderBy('e.entry_id').limit(page.limit + 1).execute();
  return toPage(rows.map(toJournalEntry), page, (entry) => entry.entryId);
}

export async function getJournalEntryOrThrow(tx: Tx, ctx: OperationContext, entryId: string): Promise<JournalEntryWithLines> {
  const row = await entryQuery(tx, ctx).where('e.entry_id', '=', entryId).executeTakeFirst();
  if (!row) throw new AppError('JOURNAL_ENTRY_NOT_FOUND', `no journal entry ${entryId}`);
  const lines = await tx
    .selectFrom('journal_lines as l')
    .innerJoin('accounts as a', (join) => join.onRef('a.tenant_id', '=', 'l.tenant_id').onRef('a.account_id', '=', 'l.account_id'))
    .select(['l.line_number', 'l.account_id', 'a.code', 'a.name', 'l.debit_minor', 'l.credit_minor', 'l.memo'])
    .where('l.tenant_id', '=', ctx.tenantId)
    .where('l.entry_id', '=', entryId)
    .orderBy('l.line_number')
    .execute();
  return {
    ...toJournalEntry(row),
    lines: lines.map((line) => ({
      lineNumber: line.line_number,
      accountId: line.account_id,
      accountCode: line.code,
      accountName: line.name,
      debitMinor: minorFromDb(line.debit_minor),
      creditMinor: minorFromDb(line.credit_minor),
      memo: line.memo,
    })),
  };
}

/**
 * A controller's entry: accounts by code (ACCOUNT_INVALID when unknown or inactive),
 * each line one positive side, Σ debits = Σ credits (JOURNAL_ENTRY_UNBALANCED).
 * Everything is checked before the first write.
 */
export async function postManualJournalEntry(tx: Tx, ctx: OperationContext, input: ManualJournalEntryInput): Promise<JournalEntryWithLines> {
  const description = input.description.trim();
  if (description.length === 0 || description.length > 500) {
    throw new AppError('VALIDATION_FAILED', 'description is 1 to 500 characters', [{ field: '/description', message: 'is empty or too long' }]);
  }
  if (input.entryDate !== undefined && !isBusinessDate(input.entryDate)) {
    throw new AppError('VALIDATION_FAILED', 'entryDate is not a date (YYYY-MM-DD)', [{ field: '/entryDate', message: 'is not a date' }]);
  }
  if (input.lines.length < 2 || input.lines.length > MANUAL_ENTRY_LINES_MAX) {
    throw new AppError('VALIDATION_FAILED', `a journal entry has 2 to ${MANUAL_ENTRY_LINES_MAX} lines`, [{ field: '/lines', message: 'has too few or too many lines' }]);
  }
  const accounts = await accountsByCode(tx, ctx);
  let debits = 0n;
  let credits = 0n;
  const lines: JournalLineToWrite[] = input.lines.map((line, index) => {
    const field = `/lines/${index}`;
    const debit = line.debitMinor ?? 0;
    const credit = line.creditMinor ?? 0;
    if (!Number.isSafeInteger(debit) || !Number.isSafeInteger(credit) || debit < 0 || credit < 0 || (debit > 0) === (credit > 0)) {
      throw new AppError('VALIDATION_FAILED', 'each line has exactly one positive side: debitMinor or creditMinor', [{ field, message: 'needs one positive amount' }]);
    }
    const account = accounts.get(line.accountCode.trim().toUpperCase());
    if (!account || !account.active) {
      throw new AppError('ACCOUNT_INVALID', `account ${line.accountCode} ${account ? 'is inactive' : 'does not exist'}`, [{ field: `${field}/accountCode`, message: account ? 'is inactive' : 'does not exist' }]);
    }
    debits += BigInt(debit);
    credits += BigInt(credit);
    return { lineNumber: index + 1, accountId: account.accountId, debitMinor: debit, creditMinor: credit, memo: line.memo?.trim() || null };
  });
  if (debits !== credits) {
    throw new AppError('JOURNAL_ENTRY_UNBALANCED', `debits ${debits} ≠ credits ${credits} (minor units)`);
  }
  if (debits > BigInt(Number.MAX_SAFE_INTEGER)) throw new AppError('AMOUNT_OUT_OF_RANGE', 'the entry total is larger than Quartermaster can carry exactly');
  const reference = input.reference?.trim() || null;
  const { entryId } = await writeJournalEntry(
    tx,
    ctx,
    { entryDate: input.entryDate ?? today(ctx), sourceType: 'manual', sourceId: reference ?? 'manual', sourceNumber: reference, description },
    lines,
  );
  const entry = await getJournalEntryOrThrow(tx, ctx, entryId);
  await audit(tx, ctx, { action: 'journal_entry.create', entityType: 'journal_entry', entityId: entryId, before: null, after: auditRecord(entry) });
  await appendEvent(tx, ctx, { eventType: 'journal_entry.posted', aggregateType: 'journal_entry', aggregateId: entryId, payload: eventPayload(entry) });
  return entry;
}

/**
 * Posts the inverse of an entry (every line with its sides swapped) in the caller's
 * transaction, naming the original in reverses_entry_id. An entry is reversed once:
 * JOURNAL_ENTRY_ALREADY_REVERSED, also for two reversals racing each other. The reversal is
 * dated entryDate (default today), so an entry in a closed period is corrected in
 * the open one.
 */
export async function reverseJournalEntry(tx: Tx, ctx: OperationContext, entryId: string, input: ReverseJournalEntryInput): Promise<JournalEntryWithLines> {
  const reason = input.reason.trim();
  if (reason.length === 0) throw new AppError('VALIDATION_FAILED', 'a reversal needs a reason', [{ field: '/reason', message: 'is empty' }]);
  if (input.entryDate !== undefined && !isBusinessDate(input.entryDate)) {
    throw new AppError('VALIDATION_FAILED', 'entryDate is not a date (YYYY-MM-DD)', [{ field: '/entryDate', message: 'is not a date' }]);
  }
  // Journal entries cannot be row-locked (the application role may not UPDATE them), so
  // two reversals of one entry serialise on a transaction advisory lock named by the entry;
  // the second then reads the first's committed reversal and is refused. The unique
  // (tenant_id, reverses_entry_id) index stays the last word.
  await sql`select pg_advisory_xact_lock(hashtextextended(${`journal_entry_reversal:${ctx.tenantId}:${entryId}`}, 0))`.execute(tx);
  const original = await getJournalEntryOrThrow(tx, ctx, entryId);
  if (original.reversedByEntryId) {
    throw new AppError('JOURNAL_ENTRY_ALREADY_REVERSED', `journal entry ${entryId} was reversed by ${original.reversedByEntryId}`);
  }
  // A reversal is not reversed in turn (QA of issue #5 found chains of them posted over HTTP): undoing it
  // would silently re-post the original under a reversal's link and its "Reversal of Reversal of" name, and
  // the original would still read as reversed. To reinstate an entry, post it again.
  if (original.reversesEntryId) {
    throw new AppError('JOURNAL_ENTRY_NOT_REVERSIBLE', `journal entry ${entryId} is the reversal of ${original.reversesEntryId}; post the original again instead of reversing its reversal`);
  }
  const written = await writeJournalEntry(
    tx,
    ctx,
    {
      entryDate: input.entryDate ?? today(ctx),
      sourceType: original.sourceType,
      sourceId: original.sourceId,
      sourceNumber: original.sourceNumber,
      description: `Reversal of ${original.description}: ${reason}`.slice(0, 500),
      reversesEntryId: entryId,
    },
    original.lines.map((line) => ({ lineNumber: line.lineNumber, accountId: line.accountId, debitMinor: line.creditMinor, creditMinor: line.debitMinor, memo: line.memo })),
  );
  const reversal = await getJournalEntryOrThrow(tx, ctx, written.entryId);
  await audit(tx, ctx, { action: 'journal_entry.reverse', entityType: 'journal_entry', entityId: entryId, before: null, after: { reversedBy: reversal.entryId, reason } });
  await appendEvent(tx, ctx, { eventType: 'journal_entry.reversed', aggregateType: 'journal_entry', aggregateId: entryId, payload: { ...eventPayload(reversal), reason } });
  return reversal;
}

function auditRecord(entry: JournalEntryWithLines) {
  return {
    entryDate: entry.entryDate,
    sourceType: entry.sourceType,
    sourceId: entry.sourceId,
    description: entry.description,
    lines: entry.lines.map((line) => ({ account: line.accountCode, debitMinor: line.debitMinor, creditMinor: line.creditMinor, memo: line.memo })),
  };
}

function eventPayload(entry: JournalEntryWithLines) {
  return {
    entryId: entry.entryId,
    entryDate: entry.entryDate,
    sourceType: entry.sourceType,
    sourceId: entry.sourceId,
    reversesEntryId: entry.reversesEntryId,
    totalMinor: String(entry.totalMinor),
    lines: entry.lines.map((line) => ({ accountCode: line.accountCode, debitMinor: String(line.debitMinor), creditMinor: String(line.creditMinor) })),
  };
}

function toJournalEntry(row: {
  entry_id: string;
  entry_date: string;
  period: string;
  source_type: string;
  source_id: string;
  source_number: string | null;
  description: string;
  currency: string;
  reverses_entry_id: string | null;
  reversed_by: string | null;
  total_minor: string;
  posted_at: Date;
  posted_by: string;
}): JournalEntry {
  return {
    entryId: row.entry_id,
    entryDate: row.entry_date,
    period: row.period,
    sourceType: row.source_type,
    sourceId: row.source_id,
    sourceNumber: row.source_number,
    description: row.description,
    currency: row.currency,
    totalMinor: minorFromDb(row.total_minor),
    reversesEntryId: row.reverses_entry_id,
    reversedByEntryId: row.reversed_by,
    postedAt: row.posted_at,
    postedBy: row.posted_by,
  };
}
