-- Closing a period must not be starved by a steady stream of postings. Postings read the
-- period row FOR KEY SHARE, and row-level share lockers join one another without queueing
-- behind a waiting FOR UPDATE, so under continuous posting a close could wait forever while
-- postings that started after it kept landing in the period. Both sides now also take a
-- transaction-level advisory lock on the period — postings shared, a close exclusive —
-- because the heavyweight lock queue is fair: once a close waits, later postings queue
-- behind it, and then see the period closed. Postings still never wait for each other.
create function qm_fiscal_period_lock_key(p_tenant_id uuid, p_period text) returns bigint
language sql immutable as $$
  select hashtextextended('qm_fiscal_period:' || p_tenant_id::text || ':' || p_period, 0)
$$;

create or replace function qm_journal_entry_period() returns trigger
language plpgsql as $$
declare
  v_status text;
begin
  new.period := to_char(new.entry_date, 'YYYY-MM');
  insert into fiscal_periods (tenant_id, period, starts_on, ends_on)
  values (new.tenant_id, new.period, date_trunc('month', new.entry_date)::date,
          (date_trunc('month', new.entry_date) + interval '1 month - 1 day')::date)
  on conflict do nothing;
  perform pg_advisory_xact_lock_shared(qm_fiscal_period_lock_key(new.tenant_id, new.period));
  select status into v_status from fiscal_periods
    where tenant_id = new.tenant_id and period = new.period for key share;
  if v_status = 'closed' then
    raise exception 'period % is closed', new.period using errcode = 'QM001';
  end if;
  return new;
end
$$;
