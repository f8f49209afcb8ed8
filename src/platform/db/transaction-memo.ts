import type { Tx } from './database.ts';

/**
 * Memoises a read for the life of one transaction. Pricing an order reads the
 * same tenant settings, jurisdiction, rates and price lists once per line; one
 * read per transaction is as correct (the business event works from one view of
 * that master data) and saves a round trip per line. The cache dies with the
 * transaction object, so nothing leaks across transactions or tenants.
 */
const memos = new WeakMap<object, Map<string, Promise<unknown>>>();

export function memoInTransaction<T>(tx: Tx, key: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(tx);
  if (!memo) {
    memo = new Map();
    memos.set(tx, memo);
  }
  const cached = memo.get(key) as Promise<T> | undefined;
  if (cached) return cached;
  const loading = load();
  memo.set(key, loading);
  // A failed read is not remembered: the error propagates to this caller only.
  loading.catch(() => memo!.delete(key));
  return loading;
}
