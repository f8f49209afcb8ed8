/** The ledger module's only door: chart of accounts, journal posting, periods, trial balance. */
export { postJournalEntry, accountIdsByRole, ACCOUNT_ROLES } from './journal-posting.service.ts';
export type { AccountRole, PostingLine, PostJournalEntryInput, PostedJournalEntry } from './journal-posting.service.ts';
