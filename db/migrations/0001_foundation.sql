-- Foundation: privileges for the application role, and the tenant registry.
--
-- Every tenant-owned table follows the same pattern (checked by the catalog test):
--   tenant_id uuid not null leading the primary key and every unique key, foreign keys
--   including tenant_id, and row-level security ENABLED and FORCED with the policy
--   tenant_id = nullif(current_setting('qm.tenant_id', true), '')::uuid
-- for USING and WITH CHECK, so that a transaction without tenant context sees zero rows.
-- Tables whose comment starts with 'append-only' get no UPDATE/DELETE grant for qm_app.

revoke create on schema public from public;
grant usage on schema public to qm_app;
alter default privileges in schema public grant select, insert, update, delete on tables to qm_app;
alter default privileges in schema public grant usage, select on sequences to qm_app;
-- Functions are executable by PUBLIC by default; SECURITY DEFINER functions revoke that one by one.

create table tenants (
  tenant_id uuid primary key,
  name text not null check (length(name) between 1 and 200),
  functional_currency text not null default 'USD' check (functional_currency ~ '^[A-Z]{3}$'),
  time_zone text not null default 'UTC',
  settings jsonb not null default '{}'::jsonb,
  status text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null default now()
);
comment on table tenants is 'The tenant registry: one row per tenant, visible only under its own context.';
-- Tenant names are unique across tenants (operators address tenants by name in the CLI).
-- This is the one unique key that does not lead with tenant_id; the catalog test allows it by name.
create unique index tenants_name_key on tenants (lower(name));

alter table tenants enable row level security;
alter table tenants force row level security;
create policy tenant_isolation on tenants
  using (tenant_id = nullif(current_setting('qm.tenant_id', true), '')::uuid)
  with check (tenant_id = nullif(current_setting('qm.tenant_id', true), '')::uuid);

-- System path (the allowlist, DESIGN §2): operator commands address tenants by name.
create function qm_sys_list_tenants()
returns table (tenant_id uuid, name text, functional_currency text, time_zone text, status text, created_at timestamptz)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select t.tenant_id, t.name, t.functional_currency, t.time_zone, t.status, t.created_at
  from public.tenants t order by lower(t.name)
$$;
revoke all on function qm_sys_list_tenants() from public;
grant execute on function qm_sys_list_tenants() to qm_app;

create function qm_sys_tenant_by_name(p_name text)
returns table (tenant_id uuid, name text)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select t.tenant_id, t.name from public.tenants t where lower(t.name) = lower(p_name)
$$;
revoke all on function qm_sys_tenant_by_name(text) from public;
grant execute on function qm_sys_tenant_by_name(text) to qm_app;
