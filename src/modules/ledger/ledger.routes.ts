import { Type } from '@sinclair/typebox';
import { today } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { defineListRoute, defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { BusinessDate, Uuid } from '../../platform/http/common.schema.ts';
import { ACCOUNT_TYPES, createAccount, getAccountOrThrow, listAccounts, updateAccount } from './accounts.service.ts';
import { getJournalEntryOrThrow, listJournalEntries, postManualJournalEntry, reverseJournalEntry } from './journal-entries.service.ts';
import {
  AccountSchema,
  CreateAccountBody,
  FiscalPeriodSchema,
  JournalEntrySchema,
  JournalEntrySummarySchema,
  ManualJournalEntryBody,
  PeriodParams,
  ReverseJournalEntryBody,
  TrialBalanceSchema,
  UpdateAccountBody,
} from './ledger.schemas.ts';
import { closePeriod, listPeriods, reopenPeriod } from './periods.service.ts';
import { trialBalance } from './trial-balance.service.ts';

const AccountParams = Type.Object({ accountId: Uuid }, { additionalProperties: false });
const EntryParams = Type.Object({ entryId: Uuid }, { additionalProperties: false });

export const ledgerRoutes: RouteSpec[] = [
  defineListRoute({
    method: 'GET',
    path: '/v1/accounts',
    summary: 'List the chart of accounts',
    description: 'In code order. `role` names the accounts the posting rules use; accounts you add have none.',
    tags: ['ledger'],
    permission: 'ledger:read',
    query: Type.Object({
      active: Type.Optional(Type.Boolean()),
      type: Type.Optional(Type.Union(ACCOUNT_TYPES.map((type) => Type.Literal(type)))),
    }),
    item: Type.Ref(AccountSchema),
    handler: (tx, ctx, { query, page }) => listAccounts(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/accounts',
    summary: 'Add an account',
    description: 'Codes are unique per tenant (ACCOUNT_CODE_TAKEN) and stored upper-case.',
    tags: ['ledger'],
    permission: 'ledger:accounts',
    idempotent: true,
    body: CreateAccountBody,
    response: Type.Ref(AccountSchema),
    handler: (tx, ctx, { body }) => createAccount(tx, ctx, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/accounts/:accountId',
    summary: 'Get an account',
    tags: ['ledger'],
    permission: 'ledger:read',
    params: AccountParams,
    response: Type.Ref(AccountSchema),
    handler: (tx, ctx, { params }) => getAccountOrThrow(tx, ctx, params.accountId),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/accounts/:accountId',
    summary: 'Rename, deactivate or reactivate an account',
    description: 'An account the posting rules use (it has a role) cannot be deactivated: ACCOUNT_INVALID. An inactive account takes no manual entries.',
    tags: ['ledger'],
    permission: 'ledger:accounts',
    params: AccountParams,
    body: UpdateAccountBody,
    response: Type.Ref(AccountSchema),
    handler: (tx, ctx, { params, body }) => updateAccount(tx, ctx, params.accountId, body),
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/journal-entries',
    summary: 'List journal entries',
    description: 'In posting order. Filters: entry dates from/to (inclusive), the source (sourceType, sourceId) and entries touching an account (accountCode).',
    tags: ['ledger'],
    permission: 'ledger:read',
    query: Type.Object({
      from: Type.Optional(BusinessDate),
      to: Type.Optional(BusinessDate),
      sourceType: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
      sourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      accountCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    }),
    item: Type.Ref(JournalEntrySummarySchema),
    handler: (tx, ctx, { query, page }) => listJournalEntries(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/journal-entries/:entryId',
    summary: 'Get a journal entry with its lines',
    tags: ['ledger'],
    permission: 'ledger:read',
    params: EntryParams,
    response: Type.Ref(JournalEntrySchema),
    handler: (tx, ctx, { params }) => getJournalEntryOrThrow(tx, ctx, params.entryId),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/journal-entries',
    summary: 'Post a manual journal entry',
    description:
      'Accounts by code (ACCOUNT_INVALID when unknown or inactive); each line has one positive side; Σ debits = Σ credits ' +
      '(JOURNAL_ENTRY_UNBALANCED). Dated today unless entryDate is given; a closed period refuses it (PERIOD_CLOSED).',
    tags: ['ledger'],
    permission: 'ledger:post',
    idempotent: true,
    body: ManualJournalEntryBody,
    response: Type.Ref(JournalEntrySchema),
    handler: (tx, ctx, { body }) => postManualJournalEntry(tx, ctx, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/journal-entries/:entryId/reverse',
    summary: 'Reverse a manual journal entry',
    description:
      'Posts the inverse entry (debits and credits swapped), dated entryDate or today, linked to the original. Once only: ' +
      'JOURNAL_ENTRY_ALREADY_REVERSED. Entries posted by business documents (shipments, invoices, stock movements) are ' +
      'corrected through those documents so that the books keep agreeing with them: JOURNAL_ENTRY_NOT_REVERSIBLE.',
    tags: ['ledger'],
    permission: 'ledger:post',
    idempotent: true,
    params: EntryParams,
    body: ReverseJournalEntryBody,
    response: Type.Ref(JournalEntrySchema),
    handler: async (tx, ctx, { params, body }) => {
      const original = await getJournalEntryOrThrow(tx, ctx, params.entryId);
      if (original.sourceType !== 'manual') {
        throw new AppError('JOURNAL_ENTRY_NOT_REVERSIBLE', `entry ${params.entryId} was posted by ${original.sourceType} ${original.sourceNumber ?? original.sourceId}; correct that document instead`);
      }
      return reverseJournalEntry(tx, ctx, params.entryId, body);
    },
  }),
  defineListRoute({
    method: 'GET',
    path: '/v1/periods',
    summary: 'List fiscal periods',
    description: 'Newest first. A period exists once an entry is dated in it or it has been closed.',
    tags: ['ledger'],
    permission: 'ledger:read',
    query: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])) }),
    item: Type.Ref(FiscalPeriodSchema),
    handler: (tx, ctx, { query, page }) => listPeriods(tx, ctx, page, query),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/periods/:period/close',
    summary: 'Close a fiscal period',
    description: 'Waits for postings in flight in the period; later postings dated in it are refused (PERIOD_CLOSED). PERIOD_ALREADY_CLOSED when closed.',
    tags: ['ledger'],
    permission: 'ledger:close_period',
    params: PeriodParams,
    response: Type.Ref(FiscalPeriodSchema),
    handler: (tx, ctx, { params }) => closePeriod(tx, ctx, params.period),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/periods/:period/reopen',
    summary: 'Reopen a closed fiscal period',
    description: 'PERIOD_NOT_CLOSED when it is open; PERIOD_NOT_FOUND when it was never used or closed.',
    tags: ['ledger'],
    permission: 'ledger:close_period',
    params: PeriodParams,
    response: Type.Ref(FiscalPeriodSchema),
    handler: (tx, ctx, { params }) => reopenPeriod(tx, ctx, params.period),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/trial-balance',
    summary: 'Trial balance as of a date',
    description: 'Per account Σ debits, Σ credits and the balance (debit positive) of entries dated on or before asOf (default today in the tenant zone). The totals are equal.',
    tags: ['ledger'],
    permission: 'ledger:read',
    query: Type.Object({ asOf: Type.Optional(BusinessDate) }, { additionalProperties: false }),
    response: Type.Ref(TrialBalanceSchema),
    handler: (tx, ctx, { query }) => trialBalance(tx, ctx, query.asOf ?? today(ctx)),
  }),
];
