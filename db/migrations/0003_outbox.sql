-- Outbox delivery: subscriptions (which consumer receives which event types, per tenant)
-- and the claim function the dispatcher calls to lease work across tenants.

-- ---------------------------------------------------------------- subscriptions
-- Subscriptions are data, handlers are code: a consumer is '<kind>:<id>' (webhook:<endpoint>,
-- edi:<partner>, log:<name>); a process delivers the kinds it has a handler for.
create table outbox_subscriptions (
  tenant_id uuid not null references tenants (tenant_id),
  consumer text not null check (consumer ~ '^[a-z][a-z0-9_]{0,39}:[^[:space:]]{1,200}$'),
  -- Event types this consumer receives; '*' means all of them.
  event_types text[] not null check (cardinality(event_types) between 1 and 100),
  max_attempts integer not null check (max_attempts between 1 and 100),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, consumer)
);
call qm_enable_tenant_rls('outbox_subscriptions');

-- ---------------------------------------------------------------- claim
create sequence outbox_claim_rotation;
-- System path: lease up to p_limit deliveries of the given consumer kinds, across tenants.
--
-- A delivery is claimable when it is pending, due, not leased (or its lease has lapsed), of a
-- kind this worker handles, and the head of its (tenant, consumer, aggregate) queue: no earlier
-- pending delivery exists for the same consumer and aggregate. The head rule is what keeps
-- per-aggregate order: while a delivery is leased, backing off or waiting, everything after it
-- in its queue waits too; a delivered or dead one no longer blocks.
--
-- Fairness: tenants with pending work are found by a loose index scan (one probe per tenant,
-- not per row), each contributes at most p_limit candidates (LATERAL … LIMIT, so a 10,000-row
-- backlog costs p_limit rows, not 10,000), and candidates are taken round by round: every
-- tenant's first candidate before any tenant's second. Within a round, tenants are taken in
-- ring order (by tenant id) starting at a window that moves p_limit tenants further on every
-- claim, so when more tenants have work than fit in one batch each is still served within
-- ceil(tenants / p_limit) claims. A sequence moves the window: it is not transactional and
-- takes no row lock, so concurrent claims neither block on it nor serialise.
--
-- Concurrency: candidates are read without locks, then locked FOR UPDATE SKIP LOCKED with the
-- pending/due/lease conditions re-checked on the locked row version (read committed re-evaluates
-- them on a row updated since the snapshot), so two workers never hold a lease on one delivery.
-- The attempt is counted at claim time, so a worker that dies mid-delivery still uses up an
-- attempt; a delivery whose last attempt's lease lapsed becomes dead here instead of looping.
create function qm_sys_claim_deliveries(p_worker text, p_kinds text[], p_limit integer, p_lease_seconds integer)
returns table (
  tenant_id uuid,
  delivery_id uuid,
  event_id uuid,
  consumer text,
  aggregate_key text,
  attempts integer,
  max_attempts integer,
  lease_until timestamptz,
  leased_by text,
  event_type text,
  aggregate_type text,
  aggregate_id text,
  payload jsonb,
  occurred_at timestamptz,
  request_id text
)
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
#variable_conflict use_column
declare
  v_rotation bigint;
begin
  if p_worker is null or length(p_worker) not between 1 and 200 then
    raise exception 'worker id must be 1 to 200 characters' using errcode = 'invalid_parameter_value';
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'claim limit must be 1 to 1000, got %', p_limit using errcode = 'invalid_parameter_value';
  end if;
  if p_lease_seconds is null or p_lease_seconds not between 1 and 3600 then
    raise exception 'lease must be 1 to 3600 seconds, got %', p_lease_seconds using errcode = 'invalid_parameter_value';
  end if;
  if p_kinds is null or cardinality(p_kinds) = 0 then
    return;
  end if;

  v_rotation := nextval('public.outbox_claim_rotation');
  return query
  with recursive tenants_with_work (tenant_id) as (
    (select d.tenant_id from public.outbox_deliveries d where d.status = 'pending' order by d.tenant_id limit 1)
    union all
    select (select d.tenant_id from public.outbox_deliveries d
            where d.status = 'pending' and d.tenant_id > t.tenant_id order by d.tenant_id limit 1)
    from tenants_with_work t where t.tenant_id is not null
  ),
  tenant_ring as (
    select t.tenant_id, row_number() over (order by t.tenant_id) - 1 as pos, count(*) over () as n
    from tenants_with_work t
    where t.tenant_id is not null
  ),
  candidates as (
    select c.tenant_id, c.delivery_id,
           row_number() over (partition by c.tenant_id order by c.delivery_id) as turn,
           (t.pos + t.n - (v_rotation * p_limit) % t.n) % t.n as slot
    from tenant_ring t
    cross join lateral (
      select d.tenant_id, d.delivery_id
      from public.outbox_deliveries d
      where d.tenant_id = t.tenant_id
        and d.status = 'pending'
        and d.next_attempt_at <= now()
        and (d.lease_until is null or d.lease_until <= now())
        and split_part(d.consumer, ':', 1) = any (p_kinds)
        and not exists (
          select 1 from public.outbox_deliveries e
          where e.tenant_id = d.tenant_id and e.consumer = d.consumer and e.aggregate_key = d.aggregate_key
            and e.status = 'pending' and e.delivery_id < d.delivery_id)
      order by d.delivery_id
      limit p_limit
    ) c
    order by turn, slot
    -- Slack for rows another worker locks first (skipped below).
    limit p_limit * 2
  ),
  locked as (
    select d.tenant_id, d.delivery_id
    from public.outbox_deliveries d
    join candidates c on c.tenant_id = d.tenant_id and c.delivery_id = d.delivery_id
    where d.status = 'pending'
      and d.next_attempt_at <= now()
      and (d.lease_until is null or d.lease_until <= now())
    order by c.turn, c.slot
    limit p_limit
    for update of d skip locked
  ),
  claimed as (
    update public.outbox_deliveries d
    set attempts = case when d.attempts < d.max_attempts then d.attempts + 1 else d.attempts end,
        status = case when d.attempts < d.max_attempts then 'pending' else 'dead' end,
        last_error = case when d.attempts < d.max_attempts then d.last_error
                          else 'the lease of the final attempt lapsed (worker lost or timed out)' end,
        lease_until = case when d.attempts < d.max_attempts then now() + make_interval(secs => p_lease_seconds) end,
        leased_by = case when d.attempts < d.max_attempts then p_worker else d.leased_by end
    from locked l
    where d.tenant_id = l.tenant_id and d.delivery_id = l.delivery_id
    returning d.*
  )
  select c.tenant_id, c.delivery_id, c.event_id, c.consumer, c.aggregate_key, c.attempts, c.max_attempts,
         c.lease_until, c.leased_by, e.event_type, e.aggregate_type, e.aggregate_id, e.payload, e.occurred_at, e.request_id
  from claimed c
  join public.outbox_events e on e.tenant_id = c.tenant_id and e.event_id = c.event_id
  where c.status = 'pending';
end $$;
revoke all on function qm_sys_claim_deliveries(text, text[], integer, integer) from public;
grant execute on function qm_sys_claim_deliveries(text, text[], integer, integer) to qm_app;
