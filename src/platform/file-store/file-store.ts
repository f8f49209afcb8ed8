import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { FILE_STORE_OBJECT_MAX_BYTES } from '../limits.ts';

/**
 * A content-addressed store for large blobs (raw EDI files, PDFs) under
 * DATA_DIR/files (DESIGN §2: blobs live beside the database, not in it). An
 * object's address is the SHA-256 of its bytes, so storing the same bytes twice
 * stores them once, an address never changes meaning, and every read can be
 * verified. Writes go to a temporary file, are fsynced, then renamed into
 * place: a crash leaves either the whole object or nothing under its address.
 */
export interface FileStore {
  /** Stores the bytes; returns their address (hex SHA-256) and size. Idempotent. */
  put(bytes: Buffer): Promise<{ sha256: string; sizeBytes: number }>;
  /** The bytes at an address, verified against it; FILE_NOT_FOUND when absent. */
  get(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
}

const ADDRESS_PATTERN = /^[0-9a-f]{64}$/;

export function createFileStore(root: string): FileStore {
  const objectPath = (sha256: string) => {
    if (!ADDRESS_PATTERN.test(sha256)) throw new AppError('FILE_NOT_FOUND', 'not a file address');
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };
  return {
    async put(bytes) {
      if (bytes.length > FILE_STORE_OBJECT_MAX_BYTES) {
        throw new AppError('PAYLOAD_TOO_LARGE', `files are limited to ${FILE_STORE_OBJECT_MAX_BYTES} bytes`);
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const target = objectPath(sha256);
      if (fs.existsSync(target)) return { sha256, sizeBytes: bytes.length };
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      const handle = await fs.promises.open(temp, 'wx', 0o640);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Concurrent writers of the same bytes race harmlessly: both renames install identical content.
      await fs.promises.rename(temp, target);
      return { sha256, sizeBytes: bytes.length };
    },
    async get(sha256) {
      let bytes: Buffer;
      try {
        bytes = await fs.promises.readFile(objectPath(sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('FILE_NOT_FOUND', `no file ${sha256}`);
        throw error;
      }
      if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
        throw new AppError('FILE_CORRUPT', `the stored file ${sha256} does not match its address`);
      }
      return bytes;
    },
    async has(sha256) {
      return ADDRESS_PATTERN.test(sha256) && fs.existsSync(objectPath(sha256));
    },
  };
}

/** The store of a data directory: DATA_DIR/files. */
export function fileStoreFor(dataDir: string): FileStore {
  return createFileStore(path.join(dataDir, 'files'));
}
