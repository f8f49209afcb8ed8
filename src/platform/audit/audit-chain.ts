import { createHash } from 'node:crypto';

/** The link before the first seal of every tenant (db/migrations/0002_kernel.sql). */
export const CHAIN_GENESIS = Buffer.alloc(32);

/** chain_hash = sha256(previous chain_hash || row_hash), as documented on audit_seals. */
export function nextChainHash(previousChainHash: Buffer, rowHash: Buffer): Buffer {
  return createHash('sha256').update(previousChainHash).update(rowHash).digest();
}
