-- Codes people type (SKUs, customer and supplier codes) are unique regardless of case:
-- "jan-bw-1001" and "JAN-BW-1001" would otherwise be two items that searches and
-- order desks cannot tell apart. The exact-match unique keys stay for lookups.
create unique index items_sku_ci_key on items (tenant_id, lower(sku));
create unique index customers_code_ci_key on customers (tenant_id, lower(code));
create unique index suppliers_code_ci_key on suppliers (tenant_id, lower(code));
