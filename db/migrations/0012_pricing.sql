-- Order capture, part 3: pricing. Price lists (one base list per tenant, customer lists),
-- quantity breaks, customer contract prices with validity dates, and matrix discounts by
-- item attribute × customer tier. Unit prices are numeric(18,6) in the list's currency
-- (sub-cent prices exist); line amounts are rounded to minor units by the order.

create table price_lists (
  tenant_id uuid not null references tenants (tenant_id),
  price_list_id uuid not null,
  code text not null check (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
  name text not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  is_base boolean not null default false,
  active boolean not null default true,
  primary key (tenant_id, price_list_id),
  unique (tenant_id, code)
);
create unique index price_lists_one_base on price_lists (tenant_id) where is_base;
call qm_enable_tenant_rls('price_lists');

alter table customers
  add foreign key (tenant_id, price_list_id) references price_lists (tenant_id, price_list_id);

-- A price applies from min_qty (in the entry's unit) upwards: several rows = quantity breaks.
create table price_list_entries (
  tenant_id uuid not null,
  price_list_id uuid not null,
  item_id uuid not null,
  unit text not null,
  min_qty numeric(18, 6) not null default 0 check (min_qty >= 0),
  unit_price numeric(18, 6) not null check (unit_price >= 0),
  primary key (tenant_id, price_list_id, item_id, unit, min_qty),
  foreign key (tenant_id, price_list_id) references price_lists (tenant_id, price_list_id),
  foreign key (tenant_id, item_id, unit) references item_units (tenant_id, item_id, unit)
);
call qm_enable_tenant_rls('price_list_entries');

-- A negotiated price for one customer and item, valid on business dates [valid_from, valid_to].
create table contract_prices (
  tenant_id uuid not null,
  contract_price_id uuid not null,
  customer_id uuid not null,
  item_id uuid not null,
  unit text not null,
  min_qty numeric(18, 6) not null default 0 check (min_qty >= 0),
  unit_price numeric(18, 6) not null check (unit_price >= 0),
  valid_from date not null,
  valid_to date not null,
  contract_reference text,
  primary key (tenant_id, contract_price_id),
  check (valid_to >= valid_from),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id),
  foreign key (tenant_id, item_id, unit) references item_units (tenant_id, item_id, unit)
);
create index contract_prices_lookup on contract_prices (tenant_id, customer_id, item_id);
call qm_enable_tenant_rls('contract_prices');

-- A discount off the base price for items whose attribute (brand, category, or a key of
-- items.attributes) has a value, for customers of a tier.
create table matrix_discounts (
  tenant_id uuid not null references tenants (tenant_id),
  discount_id uuid not null,
  attribute text not null check (attribute ~ '^[a-z_][a-z0-9_]{0,31}$'),
  attribute_value text not null,
  customer_tier text not null,
  discount_percent numeric(7, 4) not null check (discount_percent > 0 and discount_percent < 100),
  valid_from date,
  valid_to date,
  primary key (tenant_id, discount_id),
  unique (tenant_id, attribute, attribute_value, customer_tier)
);
call qm_enable_tenant_rls('matrix_discounts');
