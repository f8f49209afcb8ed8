import { sql } from 'kysely';
import type { Database, Tx } from '../db/index.ts';
import { invariant } from '../errors.ts';
import { AUDIT_SEAL_BATCH_SIZE, AUDIT_SEAL_INTERVAL_MS, AUDIT_SEAL_TENANTS_PER_PASS } from '../limits.ts';
import { CHAIN_GENESIS, nextChainHash } from './audit-chain.ts';

export interface SealOptions {
  /** Rows chained per tenant in one transaction; at most AUDIT_SEAL_BATCH_SIZE. */
  batchSize?: number;
}

/**
 * Namespaces the sealer's advisory lock key; the tenant id is appended. Only sealers
 * take this lock — writers never do, which is the point: a chain head locked by every
 * audited write would serialise all writes of a tenant.
 */
const SEAL_LOCK_NAMESPACE = 'qm.audit_seal:';

/**
 * One sealing pass: for each tenant with unsealed audit rows (up to
 * AUDIT_SEAL_TENANTS_PER_PASS tenants), chains one batch of its committed, unsealed rows.
 * Returns how many rows it sealed; a caller that wants everything sealed repeats until 0.
 * A tenant that fails does not stop the others; the failures are thrown together at the end.
 */
export async function sealAuditLog(db: Database, options: SealOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? AUDIT_SEAL_BATCH_SIZE;
  invariant(Number.isInteger(batchSize) && batchSize > 0 && batchSize <= AUDIT_SEAL_BATCH_SIZE, `audit seal batch size must be 1 to ${AUDIT_SEAL_BATCH_SIZE}`);
  const tenants = await db.callSystem<{ tenant_id: string }>('qm_sys_tenants_with_unsealed_audit', [AUDIT_SEAL_TENANTS_PER_PASS]);
  let sealed = 0;
  const failures: Error[] = [];
  for (const { tenant_id: tenantId } of tenants) {
    try {
      sealed += await db.withTenant({ tenantId }, (tx) => sealTenantBatch(tx, tenantId, batchSize));
    } catch (error) {
      failures.push(new Error(`sealing the audit log of tenant ${tenantId} failed: ${(error as Error).message}`, { cause: error }));
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, failures.map((failure) => failure.message).join('; '));
  return sealed;
}

/**
 * Appends seals for up to batchSize unsealed rows of the tenant, in audit_id order, after
 * the tenant's last seal. The advisory lock makes concurrent sealers (several `qm serve`
 * and `qm worker` processes) take turns per tenant; under READ COMMITTED each statement
 * after the lock sees what the previous holder committed, so the last seal read here is
 * really the last. Rows still uncommitted are invisible and get sealed by a later pass,
 * with a later seq even when their audit_id is older: the chain is in seal order.
 */
async function sealTenantBatch(tx: Tx, tenantId: string, batchSize: number): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${SEAL_LOCK_NAMESPACE + tenantId}, 0))`.execute(tx);
  const last = await tx
    .selectFrom('audit_seals')
    .select(['seq', 'chain_hash'])
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const pending = await tx
    .selectFrom('audit_log as a')
    .select(['a.audit_id', 'a.row_hash'])
    .where('a.tenant_id', '=', tenantId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('audit_seals as s')
            .select(sql`1`.as('one'))
            .whereRef('s.tenant_id', '=', 'a.tenant_id')
            .whereRef('s.audit_id', '=', 'a.audit_id'),
        ),
      ),
    )
    .orderBy('a.audit_id')
    .limit(batchSize)
    .execute();
  if (pending.length === 0) return 0;

  let seq = BigInt(last?.seq ?? 0);
  let chainHash: Buffer = last?.chain_hash ?? CHAIN_GENESIS;
  const seals = pending.map((row) => {
    seq += 1n;
    chainHash = nextChainHash(chainHash, row.row_hash);
    return { tenant_id: tenantId, seq: seq.toString(), audit_id: row.audit_id, row_hash: row.row_hash, chain_hash: chainHash };
  });
  await tx.insertInto('audit_seals').values(seals).execute();
  return seals.length;
}

export interface AuditSealer {
  /** Stops the loop and waits for a pass in progress to finish. */
  stop(): Promise<void>;
}

/**
 * The background sealer for `qm serve` and `qm worker`: a pass every intervalMs, and
 * passes back to back while there is a backlog. Errors are logged and retried on the
 * next pass, never thrown: an outage must not kill the process that runs the loop.
 */
export function startAuditSealer(
  db: Database,
  options: { intervalMs?: number; batchSize?: number; log: (message: string) => void },
): AuditSealer {
  const intervalMs = options.intervalMs ?? AUDIT_SEAL_INTERVAL_MS;
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const loop = (async () => {
    while (!stopped) {
      let sealed = 0;
      try {
        sealed = await sealAuditLog(db, { batchSize: options.batchSize });
      } catch (error) {
        options.log(`audit sealer: ${(error as Error).message}`);
      }
      if (stopped) break;
      if (sealed > 0) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
        // The loop alone must not keep a process alive that is otherwise done.
        timer.unref();
      });
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
