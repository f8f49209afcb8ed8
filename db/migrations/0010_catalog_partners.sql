-- Order capture, part 1: catalog, partners, tax jurisdictions, receivable open items.
-- Every table: tenant_id leads the primary key and every unique key; RLS forced.

-- ---------------------------------------------------------------- tax
create table tax_jurisdictions (
  tenant_id uuid not null references tenants (tenant_id),
  jurisdiction_code text not null check (jurisdiction_code ~ '^[A-Z0-9_-]{1,32}$'),
  name text not null,
  freight_taxable boolean not null default false,
  active boolean not null default true,
  primary key (tenant_id, jurisdiction_code)
);
call qm_enable_tenant_rls('tax_jurisdictions');

-- The rate of a tax class in a jurisdiction, e.g. 0.0725 for 7.25 %.
create table tax_rates (
  tenant_id uuid not null,
  jurisdiction_code text not null,
  tax_class text not null check (tax_class ~ '^[a-z0-9_]{1,32}$'),
  rate numeric(9, 6) not null check (rate >= 0 and rate < 1),
  primary key (tenant_id, jurisdiction_code, tax_class),
  foreign key (tenant_id, jurisdiction_code) references tax_jurisdictions (tenant_id, jurisdiction_code)
);
call qm_enable_tenant_rls('tax_rates');

-- ---------------------------------------------------------------- warehouses (inventory owns them; partners refer to them)
create table warehouses (
  tenant_id uuid not null references tenants (tenant_id),
  warehouse_id uuid not null,
  code text not null check (code ~ '^[A-Z0-9_-]{1,16}$'),
  name text not null,
  time_zone text not null,
  -- Lower first: allocation tries the customer's default warehouse, then the others by this.
  allocation_priority integer not null default 100,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (tenant_id, warehouse_id),
  unique (tenant_id, code)
);
call qm_enable_tenant_rls('warehouses');

-- ---------------------------------------------------------------- catalog
create table items (
  tenant_id uuid not null references tenants (tenant_id),
  item_id uuid not null,
  sku text not null check (sku ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$'),
  description text not null check (length(description) between 1 and 500),
  -- GTIN-8/12/13/14 (UPC-A is GTIN-12), stored as given; the check digit is validated by the application.
  gtin text check (gtin ~ '^([0-9]{8}|[0-9]{12,14})$'),
  brand text,
  category text,
  attributes jsonb not null default '{}'::jsonb check (jsonb_typeof(attributes) = 'object'),
  weight_kg numeric(14, 4) check (weight_kg >= 0),
  tax_class text not null default 'standard' check (tax_class ~ '^[a-z0-9_]{1,32}$'),
  stocking_unit text not null check (stocking_unit ~ '^[A-Z0-9]{1,6}$'),
  active boolean not null default true,
  revision integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, item_id),
  unique (tenant_id, sku)
);
create unique index items_gtin_key on items (tenant_id, gtin) where gtin is not null;
create index items_category on items (tenant_id, category, item_id);
call qm_enable_tenant_rls('items');

-- Selling units: how many stocking units one of this unit holds (a case of 12: factor 12).
-- The stocking unit itself has a row with factor 1.
create table item_units (
  tenant_id uuid not null,
  item_id uuid not null,
  unit text not null check (unit ~ '^[A-Z0-9]{1,6}$'),
  factor numeric(18, 6) not null check (factor > 0),
  primary key (tenant_id, item_id, unit),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id)
);
call qm_enable_tenant_rls('item_units');

-- ---------------------------------------------------------------- partners
create table customers (
  tenant_id uuid not null references tenants (tenant_id),
  customer_id uuid not null,
  code text not null check (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
  name text not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  -- The credit row (DESIGN §2a): locked FOR NO KEY UPDATE at confirmation so two concurrent
  -- orders cannot both pass one limit.
  credit_limit_minor bigint not null default 0 check (credit_limit_minor >= 0),
  payment_terms_days integer not null default 30 check (payment_terms_days between 0 and 365),
  past_due_tolerance_days integer not null default 0 check (past_due_tolerance_days between 0 and 365),
  customer_tier text,
  price_list_id uuid,
  default_warehouse_id uuid,
  freight_terms text not null default 'prepaid_and_add' check (freight_terms in ('prepaid', 'collect', 'prepaid_and_add')),
  allow_partial_shipment boolean not null default true,
  -- What happens to the part that cannot be reserved: 'backorder' or 'cancel'.
  remainder_policy text not null default 'backorder' check (remainder_policy in ('backorder', 'cancel')),
  allow_split_warehouses boolean not null default false,
  active boolean not null default true,
  revision integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, customer_id),
  unique (tenant_id, code),
  foreign key (tenant_id, default_warehouse_id) references warehouses (tenant_id, warehouse_id)
);
call qm_enable_tenant_rls('customers');

create table ship_tos (
  tenant_id uuid not null,
  ship_to_id uuid not null,
  customer_id uuid not null,
  code text not null check (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
  name text not null,
  address_line1 text not null,
  address_line2 text,
  city text not null,
  region text,
  postal_code text,
  country text not null check (country ~ '^[A-Z]{2}$'),
  jurisdiction_code text not null,
  default_warehouse_id uuid,
  active boolean not null default true,
  primary key (tenant_id, ship_to_id),
  unique (tenant_id, customer_id, code),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id),
  foreign key (tenant_id, jurisdiction_code) references tax_jurisdictions (tenant_id, jurisdiction_code),
  foreign key (tenant_id, default_warehouse_id) references warehouses (tenant_id, warehouse_id)
);
call qm_enable_tenant_rls('ship_tos');

-- A certificate exempts the customer from tax in one jurisdiction (or all when null) while valid.
create table customer_tax_exemptions (
  tenant_id uuid not null,
  exemption_id uuid not null,
  customer_id uuid not null,
  jurisdiction_code text,
  certificate_number text not null,
  valid_from date not null,
  valid_to date not null,
  primary key (tenant_id, exemption_id),
  check (valid_to >= valid_from),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id),
  foreign key (tenant_id, jurisdiction_code) references tax_jurisdictions (tenant_id, jurisdiction_code)
);
call qm_enable_tenant_rls('customer_tax_exemptions');

-- A customer's part number for one of our items.
create table customer_item_refs (
  tenant_id uuid not null,
  customer_id uuid not null,
  customer_part_number text not null check (length(customer_part_number) between 1 and 64),
  item_id uuid not null,
  unit text,
  primary key (tenant_id, customer_id, customer_part_number),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id)
);
call qm_enable_tenant_rls('customer_item_refs');

create table suppliers (
  tenant_id uuid not null references tenants (tenant_id),
  supplier_id uuid not null,
  code text not null check (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
  name text not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  payment_terms_days integer not null default 30 check (payment_terms_days between 0 and 365),
  active boolean not null default true,
  revision integer not null default 1,
  created_at timestamptz not null default now(),
  primary key (tenant_id, supplier_id),
  unique (tenant_id, code)
);
call qm_enable_tenant_rls('suppliers');

-- ---------------------------------------------------------------- receivables open items
-- Billing fills this table (invoices, credit memos, payments reduce open_minor); the credit
-- check reads it. Until billing exists, open items are created through
-- createReceivableOpenItem() in src/modules/partners (the documented internal API).
create table receivable_open_items (
  tenant_id uuid not null,
  open_item_id uuid not null,
  customer_id uuid not null,
  document_type text not null check (document_type in ('invoice', 'credit_memo', 'opening_balance')),
  document_number text not null,
  document_date date not null,
  due_date date not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  amount_minor bigint not null,
  open_minor bigint not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, open_item_id),
  unique (tenant_id, document_type, document_number),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id)
);
create index receivable_open_items_customer on receivable_open_items (tenant_id, customer_id) where open_minor <> 0;
call qm_enable_tenant_rls('receivable_open_items');
