-- Replenishment (issue #6 item 6) and the item home bin for putaway suggestions.
-- One row per (item, warehouse): an optional replenishment rule (min/max or reorder point,
-- quantities in stocking units) and an optional home bin. A row may hold only a home bin
-- (method null): a warehouse that puts an item away in a fixed place need not plan it.

create table item_warehouse_settings (
  tenant_id uuid not null,
  item_id uuid not null,
  warehouse_id uuid not null,
  method text check (method in ('min_max', 'reorder_point')),
  min_qty numeric(18, 6) check (min_qty >= 0),
  max_qty numeric(18, 6) check (max_qty > 0),
  reorder_point numeric(18, 6) check (reorder_point >= 0),
  reorder_qty numeric(18, 6) check (reorder_qty > 0),
  preferred_supplier_id uuid,
  home_bin_id uuid,
  revision integer not null default 1,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by text not null,
  primary key (tenant_id, item_id, warehouse_id),
  -- Each method carries exactly its own parameters, so no rule is half one and half the other.
  check (
    (method is null and min_qty is null and max_qty is null and reorder_point is null and reorder_qty is null)
    or (method = 'min_max' and min_qty is not null and max_qty is not null and min_qty <= max_qty and reorder_point is null and reorder_qty is null)
    or (method = 'reorder_point' and reorder_point is not null and reorder_qty is not null and min_qty is null and max_qty is null)
  ),
  check (method is not null or home_bin_id is not null),
  foreign key (tenant_id, item_id) references items (tenant_id, item_id),
  foreign key (tenant_id, warehouse_id) references warehouses (tenant_id, warehouse_id),
  foreign key (tenant_id, preferred_supplier_id) references suppliers (tenant_id, supplier_id),
  foreign key (tenant_id, home_bin_id) references bins (tenant_id, bin_id)
);
create index item_warehouse_settings_warehouse on item_warehouse_settings (tenant_id, warehouse_id, item_id) where method is not null;
call qm_enable_tenant_rls('item_warehouse_settings');
