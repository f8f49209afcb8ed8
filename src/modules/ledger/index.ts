/** The ledger module's only door: chart of accounts, journal posting, periods, trial balance. */
export { postJournalEntry, accountIdsByRole, ACCOUNT_ROLES } from './journal-posting.service.ts';
export type { AccountRole, PostingLine, PostJournalEntryInput, PostedJournalEntry } from './journal-posting.service.ts';
export { listAccounts, getAccountOrThrow, createAccount, updateAccount, ACCOUNT_TYPES } from './accounts.service.ts';
export type { Account, AccountType, CreateAccountInput, UpdateAccountInput } from './accounts.service.ts';
export { listJournalEntries, getJournalEntryOrThrow, postManualJournalEntry, reverseJournalEntry } from './journal-entries.service.ts';
export type { JournalEntry, JournalEntryWithLines, JournalEntryLine, JournalEntryFilter, ManualJournalEntryInput, ReverseJournalEntryInput } from './journal-entries.service.ts';
export { listPeriods, closePeriod, reopenPeriod } from './periods.service.ts';
export type { FiscalPeriod } from './periods.service.ts';
export { trialBalance, accountBalanceMinor, accountBalanceSql } from './trial-balance.service.ts';
export type { TrialBalance, TrialBalanceRow } from './trial-balance.service.ts';
export { ledgerSchemas, AccountSchema, JournalEntrySchema, JournalEntrySummarySchema, FiscalPeriodSchema, TrialBalanceSchema } from './ledger.schemas.ts';
export { ledgerRoutes } from './ledger.routes.ts';
