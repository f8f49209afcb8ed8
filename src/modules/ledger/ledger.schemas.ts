import { Type, type TSchema } from '@sinclair/typebox';
import { BusinessDate, Currency, MoneyMinor, Nullable, Timestamp, Uuid } from '../../platform/http/common.schema.ts';
import { MAX_INPUT_MINOR } from '../../platform/limits.ts';
import { ACCOUNT_TYPES } from './accounts.service.ts';
import { MANUAL_ENTRY_LINES_MAX } from './journal-entries.service.ts';
import { ACCOUNT_ROLES } from './journal-posting.service.ts';

/** The ledger module's wire shapes; registered with app.addSchema through ledgerSchemas. */

export const AccountCode = Type.String({ pattern: '^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$', description: 'Account code, unique in the tenant (stored upper-case)', examples: ['6100'] });
const AccountType = Type.Union(ACCOUNT_TYPES.map((type) => Type.Literal(type)));
const AccountRole = Type.Union(ACCOUNT_ROLES.map((role) => Type.Literal(role)), { description: 'What the posting rules address the account by' });
const Period = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'A calendar month, YYYY-MM', examples: ['2026-11'] });

export const AccountSchema = Type.Object(
  {
    accountId: Uuid,
    code: Type.String(),
    name: Type.String(),
    type: AccountType,
    role: Nullable(AccountRole),
    active: Type.Boolean(),
    createdAt: Timestamp,
  },
  {
    $id: 'Account',
    additionalProperties: false,
    examples: [{ accountId: '01932d6e-0000-7000-8000-000000000101', code: '1200', name: 'Inventory', type: 'asset', role: 'inventory', active: true, createdAt: '2026-12-01T09:00:00.000Z' }],
  },
);

export const CreateAccountBody = Type.Object(
  { code: AccountCode, name: Type.String({ minLength: 1, maxLength: 200 }), type: AccountType },
  { additionalProperties: false, examples: [{ code: '6100', name: 'Warehouse rent', type: 'expense' }] },
);

export const UpdateAccountBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1, examples: [{ active: false }] },
);

const JournalEntryFields = {
  entryId: Uuid,
  entryDate: BusinessDate,
  period: Period,
  sourceType: Type.String({ description: "What posted it: 'stock_movement', 'invoice', 'manual', …" }),
  sourceId: Type.String(),
  sourceNumber: Nullable(Type.String()),
  description: Type.String(),
  currency: Currency,
  totalMinor: Type.Integer({ description: 'Σ debits (= Σ credits), minor units' }),
  reversesEntryId: Nullable(Uuid),
  reversedByEntryId: Nullable(Uuid),
  postedAt: Timestamp,
  postedBy: Type.String(),
};

const entryExample = {
  entryId: '01932d6e-0000-7000-8000-000000000201',
  entryDate: '2026-12-10',
  period: '2026-12',
  sourceType: 'manual',
  sourceId: 'ACCR-12',
  sourceNumber: 'ACCR-12',
  description: 'December rent accrual',
  currency: 'USD',
  totalMinor: 250000,
  reversesEntryId: null,
  reversedByEntryId: null,
  postedAt: '2026-12-10T15:00:00.000Z',
  postedBy: 'api_key:01932d6e-0000-7000-8000-000000000001',
};

export const JournalEntrySummarySchema = Type.Object(JournalEntryFields, { $id: 'JournalEntrySummary', additionalProperties: false, examples: [entryExample] });

export const JournalEntrySchema = Type.Object(
  {
    ...JournalEntryFields,
    lines: Type.Array(
      Type.Object(
        {
          lineNumber: Type.Integer(),
          accountId: Uuid,
          accountCode: Type.String(),
          accountName: Type.String(),
          debitMinor: MoneyMinor,
          creditMinor: MoneyMinor,
          memo: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    $id: 'JournalEntry',
    additionalProperties: false,
    examples: [
      {
        ...entryExample,
        lines: [
          { lineNumber: 1, accountId: '01932d6e-0000-7000-8000-000000000301', accountCode: '6000', accountName: 'Operating expenses', debitMinor: 250000, creditMinor: 0, memo: null },
          { lineNumber: 2, accountId: '01932d6e-0000-7000-8000-000000000302', accountCode: '2300', accountName: 'Customer deposits', debitMinor: 0, creditMinor: 250000, memo: null },
        ],
      },
    ],
  },
);

export const ManualJournalEntryBody = Type.Object(
  {
    entryDate: Type.Optional(BusinessDate),
    description: Type.String({ minLength: 1, maxLength: 500 }),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Your reference; becomes the source id and number' })),
    lines: Type.Array(
      Type.Object(
        {
          accountCode: AccountCode,
          debitMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INPUT_MINOR })),
          creditMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INPUT_MINOR })),
          memo: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: MANUAL_ENTRY_LINES_MAX },
    ),
  },
  {
    additionalProperties: false,
    examples: [{ entryDate: '2026-12-10', description: 'December rent accrual', reference: 'ACCR-12', lines: [{ accountCode: '6000', debitMinor: 250000 }, { accountCode: '2300', creditMinor: 250000 }] }],
  },
);

export const ReverseJournalEntryBody = Type.Object(
  { entryDate: Type.Optional(BusinessDate), reason: Type.String({ minLength: 1, maxLength: 300 }) },
  { additionalProperties: false, examples: [{ reason: 'posted to the wrong account' }] },
);

export const FiscalPeriodSchema = Type.Object(
  { period: Period, startsOn: BusinessDate, endsOn: BusinessDate, status: Type.Union([Type.Literal('open'), Type.Literal('closed')]), closedAt: Nullable(Timestamp), closedBy: Nullable(Type.String()) },
  {
    $id: 'FiscalPeriod',
    additionalProperties: false,
    examples: [{ period: '2026-11', startsOn: '2026-11-01', endsOn: '2026-11-30', status: 'closed', closedAt: '2026-12-03T10:00:00.000Z', closedBy: 'user:01932d6e-0000-7000-8000-000000000009' }],
  },
);

export const TrialBalanceSchema = Type.Object(
  {
    asOf: BusinessDate,
    currency: Currency,
    accounts: Type.Array(
      Type.Object(
        { accountId: Uuid, code: Type.String(), name: Type.String(), type: AccountType, role: Nullable(AccountRole), debitMinor: MoneyMinor, creditMinor: MoneyMinor, balanceMinor: MoneyMinor },
        { additionalProperties: false },
      ),
    ),
    totals: Type.Object({ debitMinor: MoneyMinor, creditMinor: MoneyMinor }, { additionalProperties: false }),
  },
  {
    $id: 'TrialBalance',
    additionalProperties: false,
    examples: [
      {
        asOf: '2026-12-31',
        currency: 'USD',
        accounts: [
          { accountId: '01932d6e-0000-7000-8000-000000000101', code: '1200', name: 'Inventory', type: 'asset', role: 'inventory', debitMinor: 500000, creditMinor: 0, balanceMinor: 500000 },
          { accountId: '01932d6e-0000-7000-8000-000000000102', code: '3000', name: 'Opening balance equity', type: 'equity', role: 'opening_balance_equity', debitMinor: 0, creditMinor: 500000, balanceMinor: -500000 },
        ],
        totals: { debitMinor: 500000, creditMinor: 500000 },
      },
    ],
  },
);

export const PeriodParams = Type.Object({ period: Period }, { additionalProperties: false });

export const ledgerSchemas: TSchema[] = [AccountSchema, JournalEntrySummarySchema, JournalEntrySchema, FiscalPeriodSchema, TrialBalanceSchema];
