import { sql } from 'kysely';
import type { Database, Tx } from '../db/index.ts';
import { invariant } from '../errors.ts';
import { AUDIT_VERIFY_PAGE_SIZE } from '../limits.ts';
import { CHAIN_GENESIS, nextChainHash } from './audit-chain.ts';

export type AuditVerifyResult =
  | { ok: true; rows: number; sealed: number; unsealed: number }
  | { ok: false; auditId: string; seq?: string; reason: string };

interface SealRow {
  seq: string;
  audit_id: string;
  sealed_row_hash: Buffer;
  chain_hash: Buffer;
  row_audit_id: string | null;
  stored_row_hash: Buffer | null;
  computed_row_hash: Buffer | null;
}

interface UnsealedRow {
  audit_id: string;
  stored_row_hash: Buffer;
  computed_row_hash: Buffer;
}

/**
 * Checks a tenant's audit log and names the FIRST row that is wrong: walking the seals in
 * seq order (a missing seal, a seal without its row, a row whose content no longer matches
 * its hash, a row hash that differs from the sealed one, a chain link that does not follow),
 * then the unsealed rows by audit_id (content against hash). It reads only, as the
 * application role, in one read-only repeatable-read snapshot so counts and chain agree.
 *
 * What it cannot see: an unsealed row deleted, or the chain rewritten from some seal to its
 * end by someone who can also recompute hashes; anchoring the chain head outside the
 * database would be needed for that.
 */
export async function verifyAuditLog(db: Database, tenantId: string, options: { pageSize?: number } = {}): Promise<AuditVerifyResult> {
  const pageSize = options.pageSize ?? AUDIT_VERIFY_PAGE_SIZE;
  invariant(Number.isInteger(pageSize) && pageSize > 0 && pageSize <= AUDIT_VERIFY_PAGE_SIZE, `audit verify page size must be 1 to ${AUDIT_VERIFY_PAGE_SIZE}`);
  return db.withTenant(
    { tenantId },
    async (tx) => {
      await sql`set transaction read only`.execute(tx);
      const chain = await verifyChain(tx, tenantId, pageSize);
      if (!chain.ok) return chain;
      const unsealed = await verifyUnsealedRows(tx, tenantId, pageSize);
      if (!unsealed.ok) return unsealed;
      return { ok: true, rows: chain.sealed + unsealed.count, sealed: chain.sealed, unsealed: unsealed.count };
    },
    { isolation: 'repeatable read' },
  );
}

async function verifyChain(tx: Tx, tenantId: string, pageSize: number): Promise<{ ok: true; sealed: number } | Extract<AuditVerifyResult, { ok: false }>> {
  let previousSeq = 0n;
  let previousChainHash: Buffer = CHAIN_GENESIS;
  let sealed = 0;
  for (;;) {
    const { rows } = await sql<SealRow>`
      select s.seq, s.audit_id, s.row_hash as sealed_row_hash, s.chain_hash,
             a.audit_id as row_audit_id, a.row_hash as stored_row_hash,
             case when a.audit_id is null then null else qm_audit_row_hash(a) end as computed_row_hash
      from audit_seals s
      left join audit_log a on a.tenant_id = s.tenant_id and a.audit_id = s.audit_id
      where s.tenant_id = ${tenantId} and s.seq > ${previousSeq.toString()}
      order by s.seq
      limit ${pageSize}`.execute(tx);
    for (const seal of rows) {
      const seq = BigInt(seal.seq);
      const broken = (reason: string) => ({ ok: false as const, auditId: seal.audit_id, seq: seal.seq, reason });
      if (seq !== previousSeq + 1n) return broken(`seal ${seal.seq} follows seal ${previousSeq}: a seal is missing`);
      if (seal.row_audit_id === null) return broken(`the row sealed at seq ${seal.seq} is missing`);
      if (!seal.stored_row_hash!.equals(seal.computed_row_hash!)) return broken('the row no longer matches its hash: it was changed');
      if (!seal.stored_row_hash!.equals(seal.sealed_row_hash)) {
        return broken(`the row hash differs from the one sealed at seq ${seal.seq}: the row was changed and re-hashed`);
      }
      const expectedChainHash = nextChainHash(previousChainHash, seal.sealed_row_hash);
      if (!expectedChainHash.equals(seal.chain_hash)) return broken(`the chain link at seq ${seal.seq} does not follow from the previous seal`);
      previousSeq = seq;
      previousChainHash = seal.chain_hash;
      sealed++;
    }
    if (rows.length < pageSize) return { ok: true, sealed };
  }
}

async function verifyUnsealedRows(tx: Tx, tenantId: string, pageSize: number): Promise<{ ok: true; count: number } | Extract<AuditVerifyResult, { ok: false }>> {
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const { rows }: { rows: UnsealedRow[] } = await sql<UnsealedRow>`
      select a.audit_id, a.row_hash as stored_row_hash, qm_audit_row_hash(a) as computed_row_hash
      from audit_log a
      where a.tenant_id = ${tenantId}
        and (${after}::uuid is null or a.audit_id > ${after}::uuid)
        and not exists (select 1 from audit_seals s where s.tenant_id = a.tenant_id and s.audit_id = a.audit_id)
      order by a.audit_id
      limit ${pageSize}`.execute(tx);
    for (const row of rows) {
      if (!row.stored_row_hash.equals(row.computed_row_hash)) {
        return { ok: false, auditId: row.audit_id, reason: 'the row (not yet sealed) no longer matches its hash: it was changed' };
      }
      count++;
    }
    if (rows.length < pageSize) return { ok: true, count };
    after = rows[rows.length - 1]!.audit_id;
  }
}
