-- Order capture, part 2: inventory. Bins, the append-only stock ledger (quantity AND value),
-- balances per (item, warehouse) and per (item, bin), and reservations.
-- Quantities are in the item's stocking unit, numeric(18,6); values are integer minor units.

create table bins (
  tenant_id uuid not null,
  bin_id uuid not null,
  warehouse_id uuid not null,
  code text not null check (code ~ '^[A-Z0-9][A-Z0-9._-]{0,31}$'),
  -- Walk order through the warehouse (aisle, bay, level): pick tasks sort by it.
  pick_sequence integer not null default 0,
  kind text not null default 'storage' check (kind in ('storage', 'receiving', 'packing')),
  active boolean not null default true,
  primary key (tenant_id, bin_id),
  unique (tenant_id, warehouse_id, code),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id)
);
call qm_enable_tenant_rls('bins');

-- Every change of stock is a movement; balances are derived and checked against their sum.
create table stock_movements (
  tenant_id uuid not null,
  movement_id uuid not null,
  item_id uuid not null,
  warehouse_id uuid not null,
  bin_id uuid,
  movement_type text not null check (movement_type in
    ('opening', 'adjustment', 'receipt', 'issue', 'transfer_in', 'transfer_out', 'bin_move')),
  -- Signed: positive in, negative out.
  qty numeric(18, 6) not null check (qty <> 0 or movement_type = 'bin_move'),
  -- Signed value in minor units: receipts add qty × cost; issues take the moving average and
  -- the last unit out takes what value is left (so qty 0 ⇔ value 0, DESIGN §2b).
  value_minor bigint not null,
  unit_cost numeric(18, 6),
  reason text,
  reference_type text,
  reference_id text,
  business_date date not null,
  occurred_at timestamptz not null,
  actor text not null,
  primary key (tenant_id, movement_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id),
  foreign key (tenant_id, bin_id) references bins (tenant_id, bin_id)
);
comment on table stock_movements is 'append-only: the stock ledger; corrections are new movements';
create index stock_movements_item on stock_movements (tenant_id, item_id, warehouse_id, movement_id);
call qm_enable_tenant_rls('stock_movements');
create trigger stock_movements_append_only before update or delete on stock_movements
  for each row execute function qm_refuse_change();
create trigger stock_movements_no_truncate before truncate on stock_movements
  for each statement execute function qm_refuse_change();
revoke update, delete, truncate on stock_movements from qm_app;

-- The hot row of the posting path (DESIGN §2a), locked in (item, warehouse) key order.
create table stock_balances (
  tenant_id uuid not null,
  item_id uuid not null,
  warehouse_id uuid not null,
  on_hand numeric(18, 6) not null default 0 check (on_hand >= 0),
  reserved numeric(18, 6) not null default 0 check (reserved >= 0),
  value_minor bigint not null default 0 check (value_minor >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, item_id, warehouse_id),
  check (reserved <= on_hand),
  check (on_hand > 0 or value_minor = 0),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id)
);
call qm_enable_tenant_rls('stock_balances');

-- Where the stock is. Locked only at pick and putaway.
create table bin_balances (
  tenant_id uuid not null,
  item_id uuid not null,
  bin_id uuid not null,
  warehouse_id uuid not null,
  on_hand numeric(18, 6) not null default 0 check (on_hand >= 0),
  primary key (tenant_id, item_id, bin_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id),
  foreign key (tenant_id, bin_id) references bins (tenant_id, bin_id)
);
call qm_enable_tenant_rls('bin_balances');

-- Stock promised to an order line. Open reservations sum to stock_balances.reserved.
create table reservations (
  tenant_id uuid not null,
  reservation_id uuid not null,
  item_id uuid not null,
  warehouse_id uuid not null,
  order_id uuid not null,
  line_id uuid not null,
  qty numeric(18, 6) not null check (qty > 0),
  status text not null default 'open' check (status in ('open', 'released', 'consumed')),
  created_at timestamptz not null,
  closed_at timestamptz,
  primary key (tenant_id, reservation_id),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id)
);
create index reservations_open on reservations (tenant_id, item_id, warehouse_id) where status = 'open';
create index reservations_line on reservations (tenant_id, order_id, line_id);
call qm_enable_tenant_rls('reservations');
