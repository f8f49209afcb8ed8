-- Kernel: API keys, idempotency keys, audit log with its seals, per-tenant data keys,
-- the transactional outbox with per-consumer deliveries, and document number series.

-- Tenant isolation policy, applied to every tenant table below.
create procedure qm_enable_tenant_rls(p_table regclass)
language plpgsql as $$
begin
  execute format('alter table %s enable row level security', p_table);
  execute format('alter table %s force row level security', p_table);
  execute format($p$create policy tenant_isolation on %s
    using (tenant_id = nullif(current_setting('qm.tenant_id', true), '')::uuid)
    with check (tenant_id = nullif(current_setting('qm.tenant_id', true), '')::uuid)$p$, p_table);
end $$;
revoke all on procedure qm_enable_tenant_rls(regclass) from public;

-- Refuses UPDATE, DELETE and TRUNCATE on append-only tables, whoever asks.
create function qm_refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'table % is append-only: % is not allowed', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end $$;

-- ---------------------------------------------------------------- API keys
create table api_keys (
  tenant_id uuid not null references tenants (tenant_id),
  api_key_id uuid not null,
  name text not null check (length(name) between 1 and 200),
  -- The first characters of the key, shown in listings so a human can tell keys apart.
  display_prefix text not null,
  -- SHA-256 of the whole key. Keys carry at least 128 random bits, so a fast hash is enough.
  key_hash bytea not null check (length(key_hash) = 32),
  permissions text[] not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_used_at timestamptz,
  primary key (tenant_id, api_key_id)
);
create index api_keys_key_hash on api_keys (key_hash);
call qm_enable_tenant_rls('api_keys');

-- System path: a bearer key names its own tenant.
create function qm_sys_resolve_api_key(p_key_hash bytea)
returns table (tenant_id uuid, api_key_id uuid, permissions text[], revoked boolean, time_zone text)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select k.tenant_id, k.api_key_id, k.permissions, k.revoked_at is not null, t.time_zone
  from public.api_keys k
  join public.tenants t on t.tenant_id = k.tenant_id and t.status = 'active'
  where k.key_hash = p_key_hash
$$;
revoke all on function qm_sys_resolve_api_key(bytea) from public;
grant execute on function qm_sys_resolve_api_key(bytea) to qm_app;

-- ---------------------------------------------------------------- idempotency
create table idempotency_keys (
  tenant_id uuid not null references tenants (tenant_id),
  credential_id text not null,
  idempotency_key text not null check (length(idempotency_key) between 1 and 255),
  request_method text not null,
  request_path text not null,
  request_hash text not null,
  response_status integer,
  response_body jsonb,
  created_at timestamptz not null default now(),
  primary key (tenant_id, credential_id, idempotency_key)
);
call qm_enable_tenant_rls('idempotency_keys');

-- ---------------------------------------------------------------- audit
create table audit_log (
  tenant_id uuid not null references tenants (tenant_id),
  audit_id uuid not null,
  occurred_at timestamptz not null,
  actor_type text not null,
  actor_id text not null,
  action text not null,
  entity_type text not null,
  entity_id text not null,
  changes jsonb,
  request_id text,
  source_address text,
  row_hash bytea not null,
  primary key (tenant_id, audit_id)
);
comment on table audit_log is 'append-only: rows are hashed on insert and chained by the sealer (audit_seals)';
create index audit_log_entity on audit_log (tenant_id, entity_type, entity_id);
call qm_enable_tenant_rls('audit_log');

-- The canonical content of an audit row. jsonb renders keys in a fixed order, and the
-- timestamp is rendered in UTC, so the text (and its hash) does not depend on session settings.
create function qm_audit_row_hash(r audit_log) returns bytea
language sql immutable set search_path = pg_catalog, public
as $$
  select sha256(convert_to(jsonb_build_array(
    r.tenant_id, r.audit_id, to_char(r.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    r.actor_type, r.actor_id, r.action, r.entity_type, r.entity_id, r.changes, r.request_id, r.source_address
  )::text, 'UTF8'))
$$;

create function qm_audit_hash_on_insert() returns trigger
language plpgsql set search_path = pg_catalog, public as $$
begin
  new.row_hash := public.qm_audit_row_hash(new);
  return new;
end $$;
create trigger audit_log_hash before insert on audit_log
  for each row execute function qm_audit_hash_on_insert();
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function qm_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function qm_refuse_change();

-- The chain: the sealer appends one seal per audit row, in seal order, per tenant.
-- chain_hash = sha256(previous chain_hash || row_hash); the first link uses 32 zero bytes.
-- A per-tenant chain head locked by every audited write would serialise the tenant, so
-- writers only insert audit rows and the sealer links them shortly after they commit.
create table audit_seals (
  tenant_id uuid not null references tenants (tenant_id),
  seq bigint not null check (seq > 0),
  audit_id uuid not null,
  row_hash bytea not null,
  chain_hash bytea not null,
  sealed_at timestamptz not null default now(),
  primary key (tenant_id, seq),
  unique (tenant_id, audit_id),
  foreign key (tenant_id, audit_id) references audit_log (tenant_id, audit_id)
);
comment on table audit_seals is 'append-only: the per-tenant hash chain over audit_log';
call qm_enable_tenant_rls('audit_seals');
create trigger audit_seals_append_only before update or delete on audit_seals
  for each row execute function qm_refuse_change();
create trigger audit_seals_no_truncate before truncate on audit_seals
  for each statement execute function qm_refuse_change();

-- System path: which tenants have audit rows waiting for the sealer.
create function qm_sys_tenants_with_unsealed_audit(p_limit integer)
returns table (tenant_id uuid)
language sql stable security definer set search_path = pg_catalog, public
as $$
  select distinct a.tenant_id from public.audit_log a
  where not exists (select 1 from public.audit_seals s where s.tenant_id = a.tenant_id and s.audit_id = a.audit_id)
  limit p_limit
$$;
revoke all on function qm_sys_tenants_with_unsealed_audit(integer) from public;
grant execute on function qm_sys_tenants_with_unsealed_audit(integer) to qm_app;

-- ---------------------------------------------------------------- encryption
create table tenant_data_keys (
  tenant_id uuid not null references tenants (tenant_id),
  key_version integer not null check (key_version > 0),
  -- The data key wrapped (AES-256-GCM) by the master key named master_key_id.
  wrapped_key bytea not null,
  master_key_id text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, key_version)
);
call qm_enable_tenant_rls('tenant_data_keys');

-- ---------------------------------------------------------------- outbox
create table outbox_events (
  tenant_id uuid not null references tenants (tenant_id),
  event_id uuid not null,
  event_type text not null,
  aggregate_type text not null,
  aggregate_id text not null,
  payload jsonb not null,
  occurred_at timestamptz not null,
  request_id text,
  primary key (tenant_id, event_id)
);
comment on table outbox_events is 'append-only: domain events, written in the transaction of the change';
call qm_enable_tenant_rls('outbox_events');
create trigger outbox_events_append_only before update or delete on outbox_events
  for each row execute function qm_refuse_change();

create table outbox_deliveries (
  tenant_id uuid not null references tenants (tenant_id),
  delivery_id uuid not null,
  event_id uuid not null,
  consumer text not null,
  -- Order is kept per (consumer, aggregate): a delivery is claimable only when no earlier
  -- pending delivery exists for the same consumer and aggregate.
  aggregate_key text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts integer not null default 0,
  max_attempts integer not null check (max_attempts > 0),
  next_attempt_at timestamptz not null,
  lease_until timestamptz,
  leased_by text,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, delivery_id),
  foreign key (tenant_id, event_id) references outbox_events (tenant_id, event_id)
);
call qm_enable_tenant_rls('outbox_deliveries');
create index outbox_deliveries_pending on outbox_deliveries (tenant_id, delivery_id) where status = 'pending';
create index outbox_deliveries_queue on outbox_deliveries (tenant_id, consumer, aggregate_key, delivery_id)
  where status = 'pending';

-- ---------------------------------------------------------------- number series
create table number_series (
  tenant_id uuid not null references tenants (tenant_id),
  series text not null check (series ~ '^[a-z_]+$'),
  prefix text not null,
  -- Gapless series (invoices, credit memos) are taken inside the business transaction,
  -- last, just before commit; the others are allocated in blocks in their own transaction.
  gapless boolean not null,
  next_value bigint not null default 1 check (next_value > 0),
  primary key (tenant_id, series)
);
call qm_enable_tenant_rls('number_series');
