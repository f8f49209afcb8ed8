import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileStore } from './file-store.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-files-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('content-addressed file store', () => {
  const store = createFileStore(root);

  it('addresses bytes by their SHA-256 and gives them back unchanged', async () => {
    const bytes = Buffer.from('ISA*00*          *00*          *ZZ*SENDER~');
    const { sha256, sizeBytes } = await store.put(bytes);
    expect(sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(sizeBytes).toBe(bytes.length);
    expect(await store.get(sha256)).toEqual(bytes);
    expect(await store.has(sha256)).toBe(true);
  });

  it('stores the same bytes once, even when written concurrently', async () => {
    const bytes = Buffer.from('same content '.repeat(1000));
    const results = await Promise.all(Array.from({ length: 10 }, () => store.put(bytes)));
    expect(new Set(results.map((result) => result.sha256)).size).toBe(1);
    const dir = path.dirname(path.join(root, results[0]!.sha256.slice(0, 2), results[0]!.sha256.slice(2, 4), results[0]!.sha256));
    expect(fs.readdirSync(dir)).toEqual([results[0]!.sha256]); // no temporary files left behind
  });

  it('detects a corrupted object on read', async () => {
    const { sha256 } = await store.put(Buffer.from('to be damaged'));
    fs.writeFileSync(path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256), 'damaged');
    await expect(store.get(sha256)).rejects.toMatchObject({ code: 'FILE_CORRUPT' });
  });

  it('answers FILE_NOT_FOUND for unknown or malformed addresses, never a path outside the store', async () => {
    await expect(store.get('0'.repeat(64))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(await store.has('../../etc/passwd')).toBe(false);
  });
});
