-- Order capture, part 4: sales orders and their lines.
-- Money is integer minor units in the order's currency (the tenant's functional currency for
-- now); unit prices and quantities numeric. Every line stores the ordered unit and quantity
-- AND the quantity in the stocking unit, the winning price rule and the candidates it beat.

create table sales_orders (
  tenant_id uuid not null,
  order_id uuid not null,
  order_number text not null,
  customer_id uuid not null,
  ship_to_id uuid not null,
  status text not null check (status in
    ('draft', 'on_hold', 'confirmed', 'allocated', 'partially_allocated', 'backordered', 'cancelled',
     'picking', 'partially_shipped', 'shipped', 'invoiced', 'closed')),
  credit_status text not null default 'unchecked' check (credit_status in ('unchecked', 'approved', 'held', 'released')),
  hold_reasons text[] not null default '{}',
  source text not null default 'api' check (source in ('api', 'edi', 'ui', 'demo')),
  customer_po text,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  order_date date not null,
  requested_date date,
  -- How line amounts were rounded (DESIGN §2b), stored so that history explains itself.
  rounding_method text not null default 'half_up_per_line',
  subtotal_minor bigint not null default 0,
  tax_minor bigint not null default 0,
  freight_minor bigint not null default 0 check (freight_minor >= 0),
  total_minor bigint not null default 0,
  revision integer not null default 1,
  created_by text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  primary key (tenant_id, order_id),
  unique (tenant_id, order_number),
  check (total_minor = subtotal_minor + tax_minor + freight_minor),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id),
  foreign key (tenant_id, ship_to_id) references ship_tos (tenant_id, ship_to_id)
);
create index sales_orders_customer_open on sales_orders (tenant_id, customer_id)
  where status not in ('draft', 'cancelled', 'invoiced', 'closed');
create index sales_orders_status on sales_orders (tenant_id, status, order_id);
call qm_enable_tenant_rls('sales_orders');

create table sales_order_lines (
  tenant_id uuid not null,
  order_id uuid not null,
  line_id uuid not null,
  line_number integer not null check (line_number > 0),
  item_id uuid not null,
  customer_part_number text,
  ordered_unit text not null,
  ordered_qty numeric(18, 6) not null check (ordered_qty > 0),
  -- ordered_qty × the unit's factor: what inventory counts.
  qty_base numeric(18, 6) not null check (qty_base > 0),
  unit_price numeric(18, 6) not null check (unit_price >= 0),
  price_rule text not null,
  price_explanation jsonb not null,
  line_amount_minor bigint not null,
  tax_class text not null,
  jurisdiction_code text not null,
  tax_rate numeric(9, 6) not null,
  tax_exempt_certificate text,
  tax_minor bigint not null,
  qty_allocated numeric(18, 6) not null default 0 check (qty_allocated >= 0),
  qty_backordered numeric(18, 6) not null default 0 check (qty_backordered >= 0),
  qty_cancelled numeric(18, 6) not null default 0 check (qty_cancelled >= 0),
  qty_shipped numeric(18, 6) not null default 0 check (qty_shipped >= 0),
  requested_date date,
  primary key (tenant_id, order_id, line_id),
  unique (tenant_id, order_id, line_number),
  check (qty_allocated + qty_backordered + qty_cancelled + qty_shipped <= qty_base),
  foreign key (tenant_id, order_id) references sales_orders (tenant_id, order_id),
  foreign key (tenant_id, item_id, ordered_unit) references item_units (tenant_id, item_id, unit)
);
create index sales_order_lines_backorders on sales_order_lines (tenant_id, item_id, order_id)
  where qty_backordered > 0;
call qm_enable_tenant_rls('sales_order_lines');

alter table reservations
  add foreign key (tenant_id, order_id, line_id) references sales_order_lines (tenant_id, order_id, line_id);
