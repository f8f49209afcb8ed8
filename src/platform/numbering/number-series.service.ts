import { sql } from 'kysely';
import type { Database, TenantScope, Tx } from '../db/index.ts';
import { invariant } from '../errors.ts';
import { DOCUMENT_NUMBER_DIGITS_MIN, NUMBER_BLOCK_CACHE_MAX, NUMBER_BLOCK_SIZE } from '../limits.ts';

/**
 * Human document numbers from per-tenant number series (DESIGN §2, §2a).
 *
 * Invoices and credit memos are gapless (tax law in many countries): the number
 * is taken inside the business transaction, from a row that stays locked until
 * commit, so a rolled-back transaction gives its number back to the next one.
 * That row is the one hot row every invoice of the tenant passes through, so it
 * is the LAST lock a business transaction takes (lock order, §2a): take the
 * number just before commit, after every other row has been locked and written.
 *
 * Every other document number is allocated in blocks, in a short transaction of
 * its own, and handed out from process memory; a block lost to a restart leaves
 * a gap, which is allowed there, and no business transaction ever waits on it.
 */

export const GAPLESS_SERIES = { invoice: 'INV-', credit_memo: 'CM-' } as const;
export type GaplessSeries = keyof typeof GAPLESS_SERIES;

export const DOCUMENT_SERIES = {
  sales_order: 'SO-',
  purchase_order: 'PO-',
  shipment: 'SH-',
  receipt: 'RCV-',
  supplier_invoice: 'SINV-',
  supplier_payment: 'SPAY-',
  payment: 'PAY-',
  journal_entry: 'JE-',
  pick_wave: 'WV-',
  cycle_count: 'CC-',
  return_authorization: 'RMA-',
  // SSCC serial references (the digits are used, not the prefix): blocks are fine, SSCCs need not be gapless.
  sscc: 'SSCC-',
} as const;
export type DocumentSeries = keyof typeof DOCUMENT_SERIES;

/** 'INV-' and 7 → 'INV-000007'; longer numbers keep all their digits. */
export function formatDocumentNumber(prefix: string, value: bigint): string {
  invariant(value > 0n, 'document numbers start at 1');
  return `${prefix}${value.toString().padStart(DOCUMENT_NUMBER_DIGITS_MIN, '0')}`;
}

/**
 * The next gapless number of the series, in the caller's transaction. Call it
 * LAST, just before commit: the series row stays locked (FOR NO KEY UPDATE
 * strength, taken by the upsert) until the transaction ends, so every other
 * invoice of the tenant waits on it from here to commit.
 */
export async function nextGaplessNumber(tx: Tx, ctx: TenantScope, series: GaplessSeries): Promise<string> {
  const prefix = GAPLESS_SERIES[series];
  invariant(prefix, `${series} is not a gapless series`);
  // One statement: the first invoice inserts the row (a concurrent first waits on
  // the primary key, then updates); every later one increments it under the row
  // lock. The update does not touch the key, so it takes FOR NO KEY UPDATE.
  const { rows } = await sql<{ value: string; prefix: string; gapless: boolean }>`
    insert into number_series as s (tenant_id, series, prefix, gapless, next_value)
    values (${ctx.tenantId}, ${series}, ${prefix}, true, 2)
    on conflict (tenant_id, series) do update set next_value = s.next_value + 1
    returning s.next_value - 1 as value, s.prefix, s.gapless`.execute(tx);
  const row = rows[0];
  invariant(row, 'the number series upsert returns its row');
  invariant(row.gapless, `number series ${series} must be gapless`);
  return formatDocumentNumber(row.prefix, BigInt(row.value));
}

interface Block {
  prefix: string;
  next: bigint;
  /** Exclusive. */
  end: bigint;
}

interface SeriesCache {
  blocks: Map<string, Block>;
  /** One allocation in flight per (tenant, series): concurrent callers share it. */
  allocating: Map<string, Promise<Block>>;
}

/** Per Database (one per process in production; tests open several). */
const caches = new WeakMap<Database, SeriesCache>();

/**
 * The next number of a block-allocated series. Call it BEFORE the business
 * transaction: it may open a short transaction of its own (to take a block of
 * NUMBER_BLOCK_SIZE numbers), and numbers are never given back, so a document
 * whose transaction rolls back leaves a gap.
 */
export async function nextDocumentNumber(db: Database, ctx: TenantScope, series: DocumentSeries): Promise<string> {
  const prefix = DOCUMENT_SERIES[series];
  invariant(prefix, `${series} is not a block-allocated series`);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { blocks: new Map(), allocating: new Map() }));
  const cacheKey = `${ctx.tenantId}:${series}`;
  for (;;) {
    const block = cache.blocks.get(cacheKey);
    if (block && block.next < block.end) {
      const value = block.next;
      block.next += 1n;
      return formatDocumentNumber(block.prefix, value);
    }
    let allocation = cache.allocating.get(cacheKey);
    if (!allocation) {
      allocation = allocateBlock(db, ctx, series, prefix).finally(() => cache.allocating.delete(cacheKey));
      cache.allocating.set(cacheKey, allocation);
      const allocated = await allocation;
      cache.blocks.delete(cacheKey); // re-insert: the Map's order is the eviction order
      if (cache.blocks.size >= NUMBER_BLOCK_CACHE_MAX) cache.blocks.delete(cache.blocks.keys().next().value!);
      cache.blocks.set(cacheKey, allocated);
    } else {
      await allocation;
    }
    // Loop: the block may already be drained by the callers that shared it.
  }
}

async function allocateBlock(db: Database, ctx: TenantScope, series: DocumentSeries, prefix: string): Promise<Block> {
  const size = BigInt(NUMBER_BLOCK_SIZE);
  const row = await db.withTenant({ tenantId: ctx.tenantId }, async (tx) => {
    const { rows } = await sql<{ first: string; prefix: string; gapless: boolean }>`
      insert into number_series as s (tenant_id, series, prefix, gapless, next_value)
      values (${ctx.tenantId}, ${series}, ${prefix}, false, ${(1n + size).toString()})
      on conflict (tenant_id, series) do update set next_value = s.next_value + ${size.toString()}
      returning s.next_value - ${size.toString()} as first, s.prefix, s.gapless`.execute(tx);
    return rows[0];
  });
  invariant(row, 'the number series upsert returns its row');
  invariant(!row.gapless, `number series ${series} is gapless and must be taken with nextGaplessNumber`);
  const first = BigInt(row.first);
  return { prefix: row.prefix, next: first, end: first + size };
}
