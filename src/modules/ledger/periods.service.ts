import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { actorRef, type OperationContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { Page, PageRequest } from '../../platform/http/pagination.ts';
import { toPage } from '../../platform/http/pagination.ts';
import { appendEvent } from '../../platform/outbox/index.ts';
import { isPeriod, periodBounds } from './rules/periods.rules.ts';

/**
 * Monthly fiscal periods. A period row is created open by the first entry dated in
 * it (the journal_entries trigger) or by closing it. Posting reads the row FOR KEY
 * SHARE, which never waits for another posting; closing takes FOR UPDATE, the one
 * lock that conflicts with it. So a close waits for the postings in flight in that
 * period to commit, and a posting that starts after the close has the lock waits
 * for the close and then sees 'closed' (QM001 → PERIOD_CLOSED). No entry ever lands
 * in a closed period, and no posting ever waits for another.
 */

export interface FiscalPeriod {
  period: string;
  startsOn: string;
  endsOn: string;
  status: 'open' | 'closed';
  closedAt: Date | null;
  closedBy: string | null;
}

export async function listPeriods(tx: Tx, ctx: OperationContext, page: PageRequest, filter: { status?: 'open' | 'closed' | undefined } = {}): Promise<Page<FiscalPeriod>> {
  let query = tx.selectFrom('fiscal_periods').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  // Newest first: the periods a controller works with are the recent ones.
  if (page.after) query = query.where('period', '<', page.after);
  const rows = await query.orderBy('period', 'desc').limit(page.limit + 1).execute();
  return toPage(rows.map(toPeriod), page, (period) => period.period);
}

/** Closes a period (creating it closed-to-be if no entry has used it yet). PERIOD_ALREADY_CLOSED when closed. */
export async function closePeriod(tx: Tx, ctx: OperationContext, period: string): Promise<FiscalPeriod> {
  const before = await lockPeriod(tx, ctx, period, { create: true });
  if (before.status === 'closed') throw new AppError('PERIOD_ALREADY_CLOSED', `period ${period} is already closed`);
  return setStatus(tx, ctx, before, 'closed');
}

/** Reopens a closed period for corrections. PERIOD_NOT_CLOSED when it is open. */
export async function reopenPeriod(tx: Tx, ctx: OperationContext, period: string): Promise<FiscalPeriod> {
  const before = await lockPeriod(tx, ctx, period, { create: false });
  if (before.status !== 'closed') throw new AppError('PERIOD_NOT_CLOSED', `period ${period} is not closed`);
  return setStatus(tx, ctx, before, 'open');
}

async function lockPeriod(tx: Tx, ctx: OperationContext, period: string, options: { create: boolean }): Promise<FiscalPeriod> {
  if (!isPeriod(period)) throw new AppError('VALIDATION_FAILED', 'a period is written YYYY-MM', [{ field: '/period', message: 'is not YYYY-MM' }]);
  if (options.create) {
    const { startsOn, endsOn } = periodBounds(period);
    await tx
      .insertInto('fiscal_periods')
      .values({ tenant_id: ctx.tenantId, period, starts_on: startsOn, ends_on: endsOn })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'period']).doNothing())
      .execute();
  }
  // The exclusive advisory lock first: it waits for the postings in flight (each holds it
  // shared, db/migrations/0017_fair_period_close.sql) and makes later ones queue behind this
  // close, which row locks alone would not (share lockers overtake a waiting FOR UPDATE).
  await sql`select pg_advisory_xact_lock(qm_fiscal_period_lock_key(${ctx.tenantId}::uuid, ${period}))`.execute(tx);
  // FOR UPDATE, not FOR NO KEY UPDATE (DESIGN §2a's default): it must conflict with the
  // FOR KEY SHARE that every posting into this period holds until it commits.
  const row = await tx.selectFrom('fiscal_periods').selectAll().where('tenant_id', '=', ctx.tenantId).where('period', '=', period).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('PERIOD_NOT_FOUND', `no entry has been posted in period ${period}`);
  return toPeriod(row);
}

async function setStatus(tx: Tx, ctx: OperationContext, before: FiscalPeriod, status: 'open' | 'closed'): Promise<FiscalPeriod> {
  const closing = status === 'closed';
  const row = await tx
    .updateTable('fiscal_periods')
    .set({ status, closed_at: closing ? ctx.clock.now() : null, closed_by: closing ? actorRef(ctx.actor) : null })
    .where('tenant_id', '=', ctx.tenantId)
    .where('period', '=', before.period)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toPeriod(row);
  await audit(tx, ctx, {
    action: closing ? 'fiscal_period.close' : 'fiscal_period.reopen',
    entityType: 'fiscal_period',
    entityId: before.period,
    before: { status: before.status, closedAt: before.closedAt?.toISOString() ?? null, closedBy: before.closedBy },
    after: { status: after.status, closedAt: after.closedAt?.toISOString() ?? null, closedBy: after.closedBy },
  });
  await appendEvent(tx, ctx, {
    eventType: closing ? 'fiscal_period.closed' : 'fiscal_period.reopened',
    aggregateType: 'fiscal_period',
    aggregateId: before.period,
    payload: { period: after.period, status: after.status, startsOn: after.startsOn, endsOn: after.endsOn },
  });
  return after;
}

function toPeriod(row: { period: string; starts_on: string; ends_on: string; status: string; closed_at: Date | null; closed_by: string | null }): FiscalPeriod {
  return {
    period: row.period,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    status: row.status as 'open' | 'closed',
    closedAt: row.closed_at,
    closedBy: row.closed_by,
  };
}
