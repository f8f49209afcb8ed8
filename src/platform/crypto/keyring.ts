import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../config.ts';
import { KEY_BYTES } from './aes-gcm.ts';

/**
 * The master keyring: the keys that wrap the per-tenant data keys. It comes
 * from the environment (QM_MASTER_KEY, plus QM_MASTER_KEY_PREVIOUS while a
 * rotation is under way) or else from the key file DATA_DIR/master-keys.json,
 * which the embedded default creates on first start. Master keys never touch
 * the database; only their ids do (tenant_data_keys.master_key_id).
 */
export interface MasterKey {
  /** Short hex of sha256(key): names the key in tenant_data_keys without revealing it. */
  id: string;
  key: Buffer;
}

export interface Keyring {
  readonly source: 'env' | 'file';
  /** The key file of a 'file' keyring. */
  readonly keyFile: string | undefined;
  /** The key that wraps new data keys, and that rotation re-wraps to. */
  current(): MasterKey;
  /**
   * The master key with this id. A file keyring that has not seen the id re-reads
   * its file once for it: another process may have rotated in the meantime.
   */
  find(id: string): MasterKey | undefined;
  ids(): string[];
  /** Re-reads the key file (no-op for environment keys). */
  reload(): void;
}

export const KEY_FILE_NAME = 'master-keys.json';
const KEY_ID_HEX_LENGTH = 16;
/** Ids re-read for and still unknown are remembered, so a bad row cannot make every read hit the disk. */
const UNKNOWN_IDS_MAX = 100;

interface KeyFileContent {
  current: string;
  keys: Record<string, string>;
}

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, KEY_ID_HEX_LENGTH);
}

export function generateMasterKey(): MasterKey {
  const key = randomBytes(KEY_BYTES);
  return { id: masterKeyId(key), key };
}

/**
 * The process keyring from configuration. QM_MASTER_KEY wins when set. Otherwise
 * the key file under DATA_DIR is read; it is created (mode 0600, one random key)
 * only in embedded mode: a production process (DATABASE_URL) that generated its
 * own key would wrap data keys no other process can open, so it refuses to start.
 */
export function loadKeyring(config: Pick<Config, 'dataDir' | 'databaseUrl' | 'masterKey' | 'masterKeyPrevious'>): Keyring {
  if (config.masterKey) return envKeyring(config.masterKey, config.masterKeyPrevious);
  if (config.masterKeyPrevious) throw new ConfigError('QM_MASTER_KEY_PREVIOUS is set but QM_MASTER_KEY is not');
  const keyFile = path.join(config.dataDir, KEY_FILE_NAME);
  if (!fs.existsSync(keyFile)) {
    if (config.databaseUrl) {
      throw new ConfigError(`no master key: set QM_MASTER_KEY (base64 of 32 bytes) or provide ${keyFile}`);
    }
    createKeyFile(keyFile);
  }
  return fileKeyring(keyFile);
}

export function envKeyring(currentBase64: string, previousBase64?: string): Keyring {
  const current = decodeKey(currentBase64, 'QM_MASTER_KEY');
  const keys = new Map([[current.id, current]]);
  if (previousBase64) {
    const previous = decodeKey(previousBase64, 'QM_MASTER_KEY_PREVIOUS');
    keys.set(previous.id, previous);
  }
  return {
    source: 'env',
    keyFile: undefined,
    current: () => current,
    find: (id) => keys.get(id),
    ids: () => [...keys.keys()],
    reload: () => {},
  };
}

export function fileKeyring(keyFile: string): Keyring {
  let content = readKeyFile(keyFile);
  const unknownIds = new Set<string>();
  const reload = () => {
    content = readKeyFile(keyFile);
    unknownIds.clear();
  };
  return {
    source: 'file',
    keyFile,
    current: () => content.keys.get(content.current)!,
    find: (id) => {
      const known = content.keys.get(id);
      if (known || unknownIds.has(id)) return known;
      reload();
      const found = content.keys.get(id);
      if (!found) {
        if (unknownIds.size >= UNKNOWN_IDS_MAX) unknownIds.clear();
        unknownIds.add(id);
      }
      return found;
    },
    ids: () => [...content.keys.keys()],
    reload,
  };
}

/**
 * Adds a new random master key to the key file and makes it current. Old keys
 * stay: running processes and data keys not yet re-wrapped still need them.
 * A lock file keeps two rotations from overwriting each other's new key (which
 * would leave data keys wrapped by a key that no longer exists anywhere).
 */
export function addMasterKeyToFile(keyFile: string): MasterKey {
  const lockFile = `${keyFile}.lock`;
  let lock: number;
  try {
    lock = fs.openSync(lockFile, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ConfigError(`${lockFile} exists: another key rotation is running (remove the file if none is)`);
    }
    throw error;
  }
  try {
    const raw = parseKeyFile(keyFile, fs.readFileSync(keyFile, 'utf8'));
    const added = generateMasterKey();
    raw.keys[added.id] = added.key.toString('base64');
    raw.current = added.id;
    writeFileAtomically(keyFile, raw, 'replace');
    return added;
  } finally {
    fs.closeSync(lock);
    fs.rmSync(lockFile, { force: true });
  }
}

function createKeyFile(keyFile: string): void {
  // 0755 like the embedded server makes it: as root, PostgreSQL runs as another user that
  // must reach its cluster below DATA_DIR. The key file itself is 0600.
  fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o755 });
  const first = generateMasterKey();
  // Two processes starting together on a fresh DATA_DIR: the first link wins and
  // the other reads the winner's file, so both use the same key.
  writeFileAtomically(keyFile, { current: first.id, keys: { [first.id]: first.key.toString('base64') } }, 'create');
}

/** Writes a complete file under a temporary name, then links or renames it into place. */
function writeFileAtomically(keyFile: string, content: KeyFileContent, mode: 'create' | 'replace'): void {
  const temp = `${keyFile}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
    fs.fchmodSync(fd, 0o600); // whatever the umask said
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    if (mode === 'replace') {
      fs.renameSync(temp, keyFile);
      return;
    }
    try {
      fs.linkSync(temp, keyFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function readKeyFile(keyFile: string): { current: string; keys: Map<string, MasterKey> } {
  let text: string;
  try {
    text = fs.readFileSync(keyFile, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the master key file ${keyFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const raw = parseKeyFile(keyFile, text);
  const keys = new Map<string, MasterKey>();
  for (const [id, base64] of Object.entries(raw.keys)) {
    const key = decodeKey(base64, `${keyFile} key ${id}`);
    if (key.id !== id) throw new ConfigError(`${keyFile}: key ${id} does not match its id (the file is damaged)`);
    keys.set(id, key);
  }
  if (!keys.has(raw.current)) throw new ConfigError(`${keyFile}: the current key ${raw.current} is not among its keys`);
  return { current: raw.current, keys };
}

function parseKeyFile(keyFile: string, text: string): KeyFileContent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`${keyFile} is not valid JSON`);
  }
  const candidate = raw as Partial<KeyFileContent> | null;
  if (
    typeof candidate?.current !== 'string' ||
    typeof candidate.keys !== 'object' ||
    candidate.keys === null ||
    Object.values(candidate.keys).some((value) => typeof value !== 'string')
  ) {
    throw new ConfigError(`${keyFile} must hold {"current": id, "keys": {id: base64}}`);
  }
  return candidate as KeyFileContent;
}

function decodeKey(base64: string, name: string): MasterKey {
  const trimmed = base64.trim();
  const key = Buffer.from(trimmed, 'base64');
  // Buffer.from ignores junk; re-encoding catches a value that is not base64 at all.
  if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new ConfigError(`${name} must be the base64 of ${KEY_BYTES} random bytes (e.g. openssl rand -base64 32)`);
  }
  return { id: masterKeyId(key), key };
}
