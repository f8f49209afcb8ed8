-- Procure-to-pay, first slice (issue #6 items 1–3 and the GRNI identity): supplier items and
-- sealed bank details, purchase orders, receipts by scan, putaway tasks. Quantities in stocking
-- units; money in integer minor units of the tenant's functional currency; unit costs decimal.

-- What a supplier sells us: its own part number for our item, its cost and ordering rules.
create table supplier_items (
  tenant_id uuid not null,
  supplier_id uuid not null,
  item_id uuid not null,
  supplier_part_number text not null check (length(supplier_part_number) between 1 and 64),
  cost numeric(18, 6) not null check (cost >= 0),
  lead_time_days integer not null default 0 check (lead_time_days between 0 and 3650),
  min_order_qty numeric(18, 6) not null default 0 check (min_order_qty >= 0),
  -- Order in multiples of this quantity (1 = any whole quantity the supplier accepts).
  pack_size numeric(18, 6) not null default 1 check (pack_size > 0),
  active boolean not null default true,
  revision integer not null default 1,
  created_at timestamptz not null,
  primary key (tenant_id, supplier_id, item_id),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, supplier_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id)
);
-- A scan of a supplier part number must name one item of that supplier.
create unique index supplier_items_part_number on supplier_items (tenant_id, supplier_id, lower(supplier_part_number));
create index supplier_items_item on supplier_items (tenant_id, item_id);
call qm_enable_tenant_rls('supplier_items');

-- Bank details are sealed with the tenant's data key (docs/decision-encryption.md); only the last
-- four characters of the account number are kept in clear, for masked reads.
create table supplier_bank_details (
  tenant_id uuid not null,
  supplier_id uuid not null,
  account_holder_sealed text not null,
  account_number_sealed text not null,
  routing_sealed text,
  account_number_last4 text not null check (length(account_number_last4) <= 4),
  revision integer not null default 1,
  updated_at timestamptz not null,
  updated_by text not null,
  primary key (tenant_id, supplier_id),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, supplier_id)
);
call qm_enable_tenant_rls('supplier_bank_details');

create table purchase_orders (
  tenant_id uuid not null,
  po_id uuid not null,
  po_number text not null,
  supplier_id uuid not null,
  warehouse_id uuid not null,
  status text not null default 'draft' check (status in
    ('draft', 'approved', 'sent', 'partially_received', 'received', 'closed', 'cancelled')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  order_date date not null,
  expected_date date,
  total_minor bigint not null default 0 check (total_minor >= 0),
  notes text,
  revision integer not null default 1,
  created_by text not null,
  created_at timestamptz not null,
  approved_by text,
  approved_at timestamptz,
  sent_at timestamptz,
  closed_at timestamptz,
  cancelled_at timestamptz,
  primary key (tenant_id, po_id),
  unique (tenant_id, po_number),
  foreign key (tenant_id, supplier_id) references suppliers (tenant_id, supplier_id),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id)
);
create index purchase_orders_supplier on purchase_orders (tenant_id, supplier_id, po_id);
create index purchase_orders_status on purchase_orders (tenant_id, status, po_id);
call qm_enable_tenant_rls('purchase_orders');

create table purchase_order_lines (
  tenant_id uuid not null,
  po_id uuid not null,
  line_id uuid not null,
  line_number integer not null check (line_number > 0),
  item_id uuid not null,
  qty numeric(18, 6) not null check (qty > 0),
  unit_cost numeric(18, 6) not null check (unit_cost >= 0),
  line_total_minor bigint not null check (line_total_minor >= 0),
  expected_date date,
  qty_received numeric(18, 6) not null default 0 check (qty_received >= 0),
  status text not null default 'open' check (status in ('open', 'partially_received', 'received', 'cancelled')),
  primary key (tenant_id, po_id, line_id),
  unique (tenant_id, po_id, line_number),
  foreign key (tenant_id, po_id) references purchase_orders (tenant_id, po_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id)
);
create index purchase_order_lines_item on purchase_order_lines (tenant_id, item_id) where status in ('open', 'partially_received');
call qm_enable_tenant_rls('purchase_order_lines');

create table receipts (
  tenant_id uuid not null,
  receipt_id uuid not null,
  receipt_number text not null,
  po_id uuid not null,
  warehouse_id uuid not null,
  bin_id uuid,
  receipt_date date not null,
  total_minor bigint not null check (total_minor >= 0),
  created_by text not null,
  created_at timestamptz not null,
  primary key (tenant_id, receipt_id),
  unique (tenant_id, receipt_number),
  foreign key (tenant_id, po_id) references purchase_orders (tenant_id, po_id),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id),
  foreign key (tenant_id, bin_id) references bins (tenant_id, bin_id)
);
create index receipts_po on receipts (tenant_id, po_id);
call qm_enable_tenant_rls('receipts');

-- value_minor is the receipt movement's value (qty × the PO line's unit cost, rounded half-up):
-- the amount credited to GRNI. Σ value_minor − Σ invoiced values = the GRNI balance (qm verify).
create table receipt_lines (
  tenant_id uuid not null,
  receipt_id uuid not null,
  line_number integer not null check (line_number > 0),
  po_id uuid not null,
  po_line_id uuid not null,
  item_id uuid not null,
  scan text not null,
  qty numeric(18, 6) not null check (qty > 0),
  unit_cost numeric(18, 6) not null check (unit_cost >= 0),
  value_minor bigint not null check (value_minor >= 0),
  movement_id uuid not null,
  primary key (tenant_id, receipt_id, line_number),
  foreign key (tenant_id, receipt_id) references receipts (tenant_id, receipt_id),
  foreign key (tenant_id, po_id, po_line_id) references purchase_order_lines (tenant_id, po_id, line_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id)
);
create index receipt_lines_po_line on receipt_lines (tenant_id, po_id, po_line_id);
call qm_enable_tenant_rls('receipt_lines');
revoke update, delete, truncate on receipts, receipt_lines from qm_app;

-- Putaway: goods from the receiving bin to storage. The suggested bin is a hint (a storage bin
-- already holding the item); the associate may scan any active storage bin of the warehouse.
create table putaway_tasks (
  tenant_id uuid not null,
  task_id uuid not null,
  receipt_id uuid not null,
  receipt_line_number integer not null,
  warehouse_id uuid not null,
  item_id uuid not null,
  from_bin_id uuid not null,
  suggested_bin_id uuid,
  qty numeric(18, 6) not null check (qty > 0),
  qty_put_away numeric(18, 6) not null default 0 check (qty_put_away >= 0),
  status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  assigned_to text,
  created_at timestamptz not null,
  completed_at timestamptz,
  primary key (tenant_id, task_id),
  check (qty_put_away <= qty),
  foreign key (tenant_id, receipt_id, receipt_line_number) references receipt_lines (tenant_id, receipt_id, line_number),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id),
  foreign key (tenant_id, from_bin_id) references bins (tenant_id, bin_id),
  foreign key (tenant_id, suggested_bin_id) references bins (tenant_id, bin_id)
);
create index putaway_tasks_queue on putaway_tasks (tenant_id, warehouse_id, created_at, task_id) where status = 'open';
call qm_enable_tenant_rls('putaway_tasks');
