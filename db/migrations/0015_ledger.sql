-- Fulfilment and the books, part 1: the general ledger.
-- Accounts per tenant (a standard distributor chart seeded at tenant creation), monthly fiscal
-- periods, and journal entries whose lines balance — enforced by the database at commit —
-- and that never change once posted (corrections are reversing entries). Account balances are
-- derived from the lines: there is no balance row that every posting must lock (DESIGN §2a).

create table accounts (
  tenant_id uuid not null,
  account_id uuid not null,
  code text not null check (code ~ '^[0-9A-Z][0-9A-Z.-]{0,19}$'),
  name text not null check (length(name) between 1 and 200),
  account_type text not null check (account_type in ('asset', 'liability', 'equity', 'revenue', 'expense')),
  -- What posting rules address the account by ('inventory', 'accounts_receivable', …); null for
  -- accounts a controller adds. One account per role per tenant.
  system_role text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (tenant_id, account_id),
  unique (tenant_id, code),
  unique (tenant_id, system_role)
);
call qm_enable_tenant_rls('accounts');

-- The standard chart of a wholesale distributor. Ids are derived from the tenant and the code
-- (md5 → uuid) so that the seed is deterministic and idempotent.
create function qm_seed_chart_of_accounts(p_tenant_id uuid) returns void
language sql as $$
  insert into accounts (tenant_id, account_id, code, name, account_type, system_role)
  select p_tenant_id, md5(p_tenant_id::text || '/' || c.code)::uuid, c.code, c.name, c.account_type, c.system_role
  from (values
    ('1000', 'Cash', 'asset', 'cash'),
    ('1100', 'Accounts receivable', 'asset', 'accounts_receivable'),
    ('1200', 'Inventory', 'asset', 'inventory'),
    ('1300', 'Prepaid expenses', 'asset', null),
    ('1500', 'Property and equipment', 'asset', null),
    ('2000', 'Accounts payable', 'liability', 'accounts_payable'),
    ('2100', 'Goods received not invoiced', 'liability', 'grni'),
    ('2200', 'Sales tax payable', 'liability', 'sales_tax_payable'),
    ('2300', 'Customer deposits', 'liability', null),
    ('3000', 'Opening balance equity', 'equity', 'opening_balance_equity'),
    ('3100', 'Retained earnings', 'equity', 'retained_earnings'),
    ('4000', 'Sales revenue', 'revenue', 'revenue'),
    ('4100', 'Freight income', 'revenue', 'freight_income'),
    ('4900', 'Sales returns and allowances', 'revenue', 'sales_returns'),
    ('5000', 'Cost of goods sold', 'expense', 'cogs'),
    ('5100', 'Purchase price variance', 'expense', 'purchase_price_variance'),
    ('5200', 'Inventory adjustments', 'expense', 'inventory_adjustments'),
    ('5300', 'Freight expense', 'expense', 'freight_expense'),
    ('6000', 'Operating expenses', 'expense', null)
  ) as c (code, name, account_type, system_role)
  on conflict do nothing
$$;

create function qm_seed_chart_on_tenant_insert() returns trigger
language plpgsql as $$
begin
  perform qm_seed_chart_of_accounts(new.tenant_id);
  return null;
end
$$;
create trigger tenants_seed_chart_of_accounts after insert on tenants
  for each row execute function qm_seed_chart_on_tenant_insert();
select qm_seed_chart_of_accounts(tenant_id) from tenants;

-- Monthly periods, created open on first use; closing and reopening are audited operations.
create table fiscal_periods (
  tenant_id uuid not null,
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  starts_on date not null,
  ends_on date not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  closed_at timestamptz,
  closed_by text,
  primary key (tenant_id, period),
  check (ends_on >= starts_on)
);
call qm_enable_tenant_rls('fiscal_periods');

create table journal_entries (
  tenant_id uuid not null,
  entry_id uuid not null,
  entry_date date not null,
  period text not null,
  -- What caused it: 'shipment', 'invoice', 'payment', 'credit_memo', 'stock_movement', 'manual', …
  source_type text not null check (length(source_type) between 1 and 40),
  source_id text not null check (length(source_id) between 1 and 100),
  -- The human number of the source document (INV-000012), for drill-down and reading.
  source_number text,
  description text not null check (length(description) between 1 and 500),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  -- A reversal names the entry it reverses; an entry is reversed at most once.
  reverses_entry_id uuid,
  posted_at timestamptz not null,
  posted_by text not null,
  primary key (tenant_id, entry_id),
  unique (tenant_id, reverses_entry_id),
  foreign key (tenant_id, period) references fiscal_periods (tenant_id, period),
  foreign key (tenant_id, reverses_entry_id) references journal_entries (tenant_id, entry_id)
);
comment on table journal_entries is 'append-only: posted entries never change; corrections are reversing entries';
create index journal_entries_source on journal_entries (tenant_id, source_type, source_id);
create index journal_entries_date on journal_entries (tenant_id, entry_date, entry_id);
call qm_enable_tenant_rls('journal_entries');

create table journal_lines (
  tenant_id uuid not null,
  entry_id uuid not null,
  line_number integer not null check (line_number > 0),
  account_id uuid not null,
  -- Functional currency, minor units; exactly one side is non-zero.
  debit_minor bigint not null default 0 check (debit_minor >= 0),
  credit_minor bigint not null default 0 check (credit_minor >= 0),
  -- The transaction currency and signed amount (debit positive), so that multi-currency can
  -- come without migrating history (DESIGN §2b). Equal to the functional amount for now.
  transaction_currency text not null check (transaction_currency ~ '^[A-Z]{3}$'),
  transaction_amount_minor bigint not null,
  memo text check (length(memo) <= 500),
  primary key (tenant_id, entry_id, line_number),
  check ((debit_minor > 0 and credit_minor = 0) or (credit_minor > 0 and debit_minor = 0)),
  foreign key (tenant_id, entry_id) references journal_entries (tenant_id, entry_id),
  foreign key (tenant_id, account_id) references accounts (tenant_id, account_id)
);
comment on table journal_lines is 'append-only: the lines of posted journal entries';
create index journal_lines_account on journal_lines (tenant_id, account_id);
call qm_enable_tenant_rls('journal_lines');

create trigger journal_entries_append_only before update or delete on journal_entries
  for each row execute function qm_refuse_change();
create trigger journal_entries_no_truncate before truncate on journal_entries
  for each statement execute function qm_refuse_change();
create trigger journal_lines_append_only before update or delete on journal_lines
  for each row execute function qm_refuse_change();
create trigger journal_lines_no_truncate before truncate on journal_lines
  for each statement execute function qm_refuse_change();
revoke update, delete, truncate on journal_entries, journal_lines from qm_app;

-- Posting into a closed period is refused by the database itself (SQLSTATE QM001). The period
-- row is created open on first use and read FOR KEY SHARE: that lock never waits for another
-- posting (it is the lock a foreign-key check takes), but closing a period takes FOR UPDATE,
-- which waits for postings in flight and makes later ones wait and then see 'closed'.
create function qm_journal_entry_period() returns trigger
language plpgsql as $$
declare
  v_status text;
begin
  new.period := to_char(new.entry_date, 'YYYY-MM');
  insert into fiscal_periods (tenant_id, period, starts_on, ends_on)
  values (new.tenant_id, new.period, date_trunc('month', new.entry_date)::date,
          (date_trunc('month', new.entry_date) + interval '1 month - 1 day')::date)
  on conflict do nothing;
  select status into v_status from fiscal_periods
    where tenant_id = new.tenant_id and period = new.period for key share;
  if v_status = 'closed' then
    raise exception 'period % is closed', new.period using errcode = 'QM001';
  end if;
  return new;
end
$$;
create trigger journal_entries_period before insert on journal_entries
  for each row execute function qm_journal_entry_period();

-- Every entry balances, checked at commit (deferred), whatever code wrote the lines: Σ debits
-- = Σ credits in minor units, and an entry has at least two lines (SQLSTATE QM002).
create function qm_journal_entry_balanced() returns trigger
language plpgsql as $$
declare
  v_lines integer;
  v_difference numeric;
begin
  select count(*), coalesce(sum(debit_minor::numeric - credit_minor::numeric), 0)
    into v_lines, v_difference
    from journal_lines where tenant_id = new.tenant_id and entry_id = new.entry_id;
  if v_lines < 2 or v_difference <> 0 then
    raise exception 'journal entry % does not balance (% lines, debits − credits = %)', new.entry_id, v_lines, v_difference
      using errcode = 'QM002';
  end if;
  return null;
end
$$;
create constraint trigger journal_entries_balanced after insert on journal_entries
  deferrable initially deferred for each row execute function qm_journal_entry_balanced();
create constraint trigger journal_lines_balanced after insert on journal_lines
  deferrable initially deferred for each row execute function qm_journal_entry_balanced();
