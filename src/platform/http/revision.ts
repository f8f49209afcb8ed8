import { AppError } from '../errors.ts';

/**
 * Optimistic concurrency for documents and master data (DESIGN §2b): every
 * revisable row has an integer `revision`; responses carry it as a strong ETag
 * ("3"), and updates must send it back in If-Match. A stale value is 412;
 * a missing one is 428 — an update must never silently overwrite.
 */
export function etagFor(revision: number): string {
  return `"${revision}"`;
}

export function expectedRevision(ifMatch: string | string[] | undefined): number {
  if (ifMatch === undefined) throw new AppError('PRECONDITION_REQUIRED', 'send the ETag of the version you changed in If-Match');
  const value = Array.isArray(ifMatch) ? ifMatch[0] : ifMatch;
  // If-Match uses strong comparison (RFC 9110 §13.1.1): a weak validator never matches.
  const match = /^"(\d{1,9})"$/.exec(value?.trim() ?? '');
  if (!match) throw new AppError('PRECONDITION_FAILED', 'If-Match must be a strong ETag this API issued, like "3"');
  return Number(match[1]);
}

export function assertRevision(current: number, expected: number, what: string): void {
  if (current !== expected) {
    throw new AppError('PRECONDITION_FAILED', `${what} is at revision ${current}; you sent If-Match for revision ${expected}. Re-read it and apply your change again`);
  }
}

/** A single-resource reply carrying the resource's revision as its ETag, for the next If-Match. */
export function withEtag<T extends { revision: number }>(resource: T): { body: T; headers: { etag: string } } {
  return { body: resource, headers: { etag: etagFor(resource.revision) } };
}
