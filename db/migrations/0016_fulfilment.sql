-- Fulfilment and the books, part 2: picking (warehouse), cartons and shipments (shipping),
-- invoices, credit memos and customer payments (billing). Quantities in stocking units unless a
-- column says otherwise; money in integer minor units of the tenant's functional currency.

-- Sales lines learn what has been picked: cumulative quantity moved to the packing location,
-- shipped included. Picked and not yet shipped = qty_picked − qty_shipped, still reserved.
alter table sales_order_lines add column qty_picked numeric(18, 6) not null default 0 check (qty_picked >= 0);
alter table sales_order_lines add constraint sales_order_lines_picked_covers_shipped check (qty_picked >= qty_shipped);
-- What has been invoiced of the order (Σ its invoices' totals): credit exposure counts an order
-- at total − invoiced, because the invoiced part is in receivables already.
alter table sales_orders add column invoiced_minor bigint not null default 0;

-- ── warehouse ────────────────────────────────────────────────────────────────────────────────
create table pick_waves (
  tenant_id uuid not null,
  wave_id uuid not null,
  wave_number text not null,
  warehouse_id uuid not null,
  status text not null default 'open' check (status in ('open', 'completed', 'cancelled')),
  -- Default assignee of the wave's tasks (an actor reference such as 'user:…' or 'api_key:…').
  assigned_to text,
  created_by text not null,
  created_at timestamptz not null,
  completed_at timestamptz,
  primary key (tenant_id, wave_id),
  unique (tenant_id, wave_number),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id)
);
call qm_enable_tenant_rls('pick_waves');

create table pick_tasks (
  tenant_id uuid not null,
  task_id uuid not null,
  wave_id uuid not null,
  warehouse_id uuid not null,
  order_id uuid not null,
  line_id uuid not null,
  item_id uuid not null,
  bin_id uuid not null,
  -- Copied from the bin when the task is made: the walk order of the wave.
  pick_sequence integer not null,
  qty_to_pick numeric(18, 6) not null check (qty_to_pick > 0),
  qty_picked numeric(18, 6) not null default 0 check (qty_picked >= 0),
  -- What the bin did not hold at pick time (a short pick).
  qty_short numeric(18, 6) not null default 0 check (qty_short >= 0),
  status text not null default 'open' check (status in ('open', 'picked', 'short', 'cancelled')),
  assigned_to text,
  -- A short pick's remainder re-allocated from another bin names the task it continues.
  continues_task_id uuid,
  created_at timestamptz not null,
  picked_at timestamptz,
  picked_by text,
  primary key (tenant_id, task_id),
  check (qty_picked + qty_short <= qty_to_pick),
  foreign key (tenant_id, wave_id) references pick_waves (tenant_id, wave_id),
  foreign key (tenant_id, order_id, line_id) references sales_order_lines (tenant_id, order_id, line_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id),
  foreign key (tenant_id, bin_id) references bins (tenant_id, bin_id)
);
create index pick_tasks_queue on pick_tasks (tenant_id, warehouse_id, assigned_to, pick_sequence) where status = 'open';
create index pick_tasks_wave on pick_tasks (tenant_id, wave_id, pick_sequence);
create index pick_tasks_line on pick_tasks (tenant_id, order_id, line_id);
call qm_enable_tenant_rls('pick_tasks');

-- ── shipping ─────────────────────────────────────────────────────────────────────────────────
create table shipments (
  tenant_id uuid not null,
  shipment_id uuid not null,
  shipment_number text not null,
  order_id uuid not null,
  warehouse_id uuid not null,
  status text not null default 'open' check (status in ('open', 'shipped', 'cancelled')),
  carrier text,
  service text,
  tracking_number text,
  freight_minor bigint check (freight_minor >= 0),
  -- 'entered' at confirmation, or 'computed' from the customer's freight terms.
  freight_source text check (freight_source in ('entered', 'computed')),
  ship_date date,
  shipped_at timestamptz,
  revision integer not null default 1,
  created_by text not null,
  created_at timestamptz not null,
  primary key (tenant_id, shipment_id),
  unique (tenant_id, shipment_number),
  check (status <> 'shipped' or (carrier is not null and ship_date is not null and freight_minor is not null)),
  foreign key (tenant_id, order_id) references sales_orders (tenant_id, order_id),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id)
);
create index shipments_order on shipments (tenant_id, order_id);
call qm_enable_tenant_rls('shipments');

create table cartons (
  tenant_id uuid not null,
  carton_id uuid not null,
  shipment_id uuid not null,
  -- Extension digit + GS1 company prefix + serial reference (17 digits) + mod-10 check digit.
  sscc text not null check (sscc ~ '^[0-9]{18}$'),
  weight_kg numeric(12, 3) check (weight_kg > 0),
  created_at timestamptz not null,
  primary key (tenant_id, carton_id),
  unique (tenant_id, sscc),
  foreign key (tenant_id, shipment_id) references shipments (tenant_id, shipment_id)
);
create index cartons_shipment on cartons (tenant_id, shipment_id);
call qm_enable_tenant_rls('cartons');

create table carton_lines (
  tenant_id uuid not null,
  carton_id uuid not null,
  order_id uuid not null,
  line_id uuid not null,
  item_id uuid not null,
  qty numeric(18, 6) not null check (qty > 0),
  primary key (tenant_id, carton_id, line_id),
  foreign key (tenant_id, carton_id) references cartons (tenant_id, carton_id),
  foreign key (tenant_id, order_id, line_id) references sales_order_lines (tenant_id, order_id, line_id)
);
call qm_enable_tenant_rls('carton_lines');

-- What a confirmed shipment took out of stock, per order line: the quantity and its cost.
create table shipment_lines (
  tenant_id uuid not null,
  shipment_id uuid not null,
  line_id uuid not null,
  order_id uuid not null,
  item_id uuid not null,
  qty_shipped numeric(18, 6) not null check (qty_shipped > 0),
  cost_minor bigint not null check (cost_minor >= 0),
  primary key (tenant_id, shipment_id, line_id),
  foreign key (tenant_id, shipment_id) references shipments (tenant_id, shipment_id),
  foreign key (tenant_id, order_id, line_id) references sales_order_lines (tenant_id, order_id, line_id)
);
call qm_enable_tenant_rls('shipment_lines');

-- ── billing ──────────────────────────────────────────────────────────────────────────────────
create table invoices (
  tenant_id uuid not null,
  invoice_id uuid not null,
  -- Gapless (INV-), taken last in the ship-confirmation transaction.
  invoice_number text not null,
  customer_id uuid not null,
  order_id uuid not null,
  shipment_id uuid,
  status text not null default 'posted' check (status in ('posted', 'voided')),
  invoice_date date not null,
  due_date date not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  rounding_method text not null default 'half_up_per_line',
  subtotal_minor bigint not null,
  tax_minor bigint not null,
  freight_minor bigint not null default 0 check (freight_minor >= 0),
  freight_tax_minor bigint not null default 0 check (freight_tax_minor >= 0),
  total_minor bigint not null,
  customer_po text,
  created_by text not null,
  created_at timestamptz not null,
  voided_at timestamptz,
  primary key (tenant_id, invoice_id),
  unique (tenant_id, invoice_number),
  unique (tenant_id, shipment_id),
  check (total_minor = subtotal_minor + tax_minor + freight_minor + freight_tax_minor),
  check (due_date >= invoice_date),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id),
  foreign key (tenant_id, order_id) references sales_orders (tenant_id, order_id),
  foreign key (tenant_id, shipment_id) references shipments (tenant_id, shipment_id)
);
create index invoices_customer on invoices (tenant_id, customer_id, invoice_date);
create index invoices_order on invoices (tenant_id, order_id);
call qm_enable_tenant_rls('invoices');

create table invoice_lines (
  tenant_id uuid not null,
  invoice_id uuid not null,
  line_number integer not null check (line_number > 0),
  order_id uuid not null,
  order_line_id uuid not null,
  item_id uuid not null,
  -- In the ordered unit at the order's price; qty_base in stocking units.
  unit text not null,
  qty numeric(18, 6) not null check (qty > 0),
  qty_base numeric(18, 6) not null check (qty_base > 0),
  unit_price numeric(18, 6) not null check (unit_price >= 0),
  amount_minor bigint not null check (amount_minor >= 0),
  jurisdiction_code text not null,
  tax_rate numeric(9, 6) not null,
  tax_minor bigint not null check (tax_minor >= 0),
  primary key (tenant_id, invoice_id, line_number),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, invoice_id),
  foreign key (tenant_id, order_id, order_line_id) references sales_order_lines (tenant_id, order_id, line_id)
);
call qm_enable_tenant_rls('invoice_lines');

create table credit_memos (
  tenant_id uuid not null,
  credit_memo_id uuid not null,
  -- Gapless (CM-).
  credit_memo_number text not null,
  customer_id uuid not null,
  invoice_id uuid,
  memo_date date not null,
  reason text not null check (length(reason) between 1 and 500),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  subtotal_minor bigint not null check (subtotal_minor >= 0),
  tax_minor bigint not null check (tax_minor >= 0),
  freight_minor bigint not null default 0 check (freight_minor >= 0),
  total_minor bigint not null check (total_minor > 0),
  -- Goods that came back into stock (at the cost they left with), when any.
  return_warehouse_id uuid,
  created_by text not null,
  created_at timestamptz not null,
  primary key (tenant_id, credit_memo_id),
  unique (tenant_id, credit_memo_number),
  check (total_minor = subtotal_minor + tax_minor + freight_minor),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, invoice_id),
  foreign key (tenant_id, return_warehouse_id) references warehouses (tenant_id, warehouse_id)
);
create index credit_memos_invoice on credit_memos (tenant_id, invoice_id);
call qm_enable_tenant_rls('credit_memos');

create table credit_memo_lines (
  tenant_id uuid not null,
  credit_memo_id uuid not null,
  line_number integer not null check (line_number > 0),
  invoice_id uuid not null,
  invoice_line_number integer not null,
  item_id uuid not null,
  qty numeric(18, 6) not null check (qty > 0),
  qty_base numeric(18, 6) not null check (qty_base > 0),
  unit_price numeric(18, 6) not null check (unit_price >= 0),
  amount_minor bigint not null check (amount_minor >= 0),
  tax_minor bigint not null check (tax_minor >= 0),
  -- Cost returned to stock with the goods (0 for a price-only credit).
  cost_minor bigint not null default 0 check (cost_minor >= 0),
  primary key (tenant_id, credit_memo_id, line_number),
  foreign key (tenant_id, credit_memo_id) references credit_memos (tenant_id, credit_memo_id),
  foreign key (tenant_id, invoice_id, invoice_line_number) references invoice_lines (tenant_id, invoice_id, line_number)
);
call qm_enable_tenant_rls('credit_memo_lines');

create table customer_payments (
  tenant_id uuid not null,
  payment_id uuid not null,
  payment_number text not null,
  customer_id uuid not null,
  payment_date date not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  amount_minor bigint not null check (amount_minor > 0),
  method text not null check (method in ('check', 'ach', 'wire', 'card', 'cash', 'other')),
  reference text check (length(reference) <= 100),
  created_by text not null,
  created_at timestamptz not null,
  primary key (tenant_id, payment_id),
  unique (tenant_id, payment_number),
  foreign key (tenant_id, customer_id) references customers (tenant_id, customer_id)
);
create index customer_payments_customer on customer_payments (tenant_id, customer_id, payment_date);
call qm_enable_tenant_rls('customer_payments');

-- Cash application: a payment (or an unapplied credit) settles open items. Append-only; an
-- unapplication is a negative row.
create table payment_applications (
  tenant_id uuid not null,
  application_id uuid not null,
  payment_id uuid not null,
  open_item_id uuid not null,
  amount_minor bigint not null check (amount_minor <> 0),
  applied_on date not null,
  created_by text not null,
  created_at timestamptz not null,
  primary key (tenant_id, application_id),
  foreign key (tenant_id, payment_id) references customer_payments (tenant_id, payment_id),
  foreign key (tenant_id, open_item_id) references receivable_open_items (tenant_id, open_item_id)
);
comment on table payment_applications is 'append-only: cash application history';
create index payment_applications_payment on payment_applications (tenant_id, payment_id);
create index payment_applications_item on payment_applications (tenant_id, open_item_id);
call qm_enable_tenant_rls('payment_applications');
create trigger payment_applications_append_only before update or delete on payment_applications
  for each row execute function qm_refuse_change();
revoke update, delete, truncate on payment_applications from qm_app;

-- An unapplied payment is an open item too (negative: we hold the customer's money), so that
-- Σ open items = the AR account at every commit.
alter table receivable_open_items drop constraint receivable_open_items_document_type_check;
alter table receivable_open_items add constraint receivable_open_items_document_type_check
  check (document_type in ('invoice', 'credit_memo', 'opening_balance', 'payment'));
