import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../src/platform/db/embedded-server.ts';

/**
 * Embedded mode as a user meets it: real `qm` processes on a real data
 * directory. Each describe shares one DATA_DIR across its steps (an initdb costs
 * seconds), so the steps run in order and build on each other. Every wait has a
 * deadline; every process and directory is cleaned up in afterAll.
 */

const QM = fileURLToPath(new URL('../bin/qm.js', import.meta.url));
const READY_TIMEOUT_MS = 90_000;
const COMMAND_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 40_000;

interface Serve {
  child: ChildProcess;
  port: number;
  output: () => string;
}

interface ServerRecord {
  port: number;
  ownerPid: number;
  postmasterPid: number;
}

const children = new Set<ChildProcess>();
const dataDirs: string[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) {
    // A postmaster still running (a failed step) gets an immediate shutdown before its directory goes.
    const pid = postmasterPid(dir);
    if (pid && isAlive(pid)) {
      process.kill(pid, 'SIGQUIT');
      await until(() => !isAlive(pid), 20_000).catch(() => process.kill(pid, 'SIGKILL'));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function newDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-embedded-'));
  // The server runs as the `postgres` user when we are root: it must be able to reach DATA_DIR/pg.
  fs.chmodSync(dir, 0o755);
  dataDirs.push(dir);
  return dir;
}

function childEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra };
  // Embedded mode only: a DATABASE_URL in the developer's shell must not redirect these processes.
  delete env.DATABASE_URL;
  delete env.DATABASE_APP_URL;
  return env;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function spawnQm(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [QM, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  let both = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk;
    both += chunk;
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
    both += chunk;
  });
  return { child, output: () => both, stdout: () => stdout, stderr: () => stderr };
}

/** Runs one `qm` command to completion (bounded) and returns its exit code and output. */
async function qm(dataDir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnQm(args, childEnv(dataDir));
  const code = await exitOf(run.child, COMMAND_TIMEOUT_MS).catch((error: Error) => {
    run.child.kill('SIGKILL');
    throw new Error(`qm ${args.join(' ')}: ${error.message}\n${run.output()}`);
  });
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

async function startServe(dataDir: string): Promise<Serve> {
  const port = await freePort();
  const run = spawnQm(['serve'], childEnv(dataDir, { PORT: String(port), HOST: '127.0.0.1' }));
  const serve = { child: run.child, port, output: run.output };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while ((await readyStatus(port)) !== 200) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) {
      throw new Error(`qm serve exited (${run.child.exitCode ?? run.child.signalCode}) before it was ready:\n${run.output()}`);
    }
    if (Date.now() > deadline) throw new Error(`qm serve not ready after ${READY_TIMEOUT_MS} ms:\n${run.output()}`);
    await sleep(200);
  }
  return serve;
}

async function readyStatus(port: number): Promise<number | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function serverRecord(dataDir: string): ServerRecord {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as ServerRecord;
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function tenantNames(dataDir: string): Promise<string[]> {
  const list = await qm(dataDir, 'tenant', 'list', '--json');
  expect(list.code, list.stderr).toBe(0);
  return (JSON.parse(list.stdout) as Array<{ name: string }>).map((tenant) => tenant.name).sort();
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('qm serve on a data directory', () => {
  // Created when the describe runs, not when it is collected: a filtered-out describe leaves nothing behind.
  let dataDir: string;
  beforeAll(() => {
    dataDir = newDataDir();
  });
  let serve: Serve;

  it('starts its own PostgreSQL, migrates and answers /readyz', async () => {
    serve = await startServe(dataDir);
    const record = serverRecord(dataDir);
    expect(record.ownerPid).toBe(serve.child.pid);
    expect(record.postmasterPid).toBe(postmasterPid(dataDir));
    expect(isAlive(record.postmasterPid)).toBe(true);
  });

  it('lets `qm tenant create` in another process work through the running server', async () => {
    const created = await qm(dataDir, 'tenant', 'create', 'Acme Supply');
    expect(created.code, created.stderr).toBe(0);
    // stdout carries only the first admin key; the confirmation goes to stderr.
    expect(created.stdout).toMatch(/^qm_live_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toMatch(/tenant Acme Supply created \([0-9a-f-]{36}\)/);
    // It used the server that `qm serve` owns, and did not start a second one.
    const { port } = serverRecord(dataDir);
    expect(created.stderr).toContain(`using the embedded PostgreSQL server on port ${port}`);
    expect(created.stderr).not.toContain('started the embedded PostgreSQL server');
    expect(await tenantNames(dataDir)).toEqual(['Acme Supply']);
  });

  it('refuses a second qm serve on the same DATA_DIR while the first keeps serving', async () => {
    const before = serverRecord(dataDir);
    const port = await freePort();
    const second = spawnQm(['serve'], childEnv(dataDir, { PORT: String(port), HOST: '127.0.0.1' }));
    const code = await exitOf(second.child, COMMAND_TIMEOUT_MS);
    expect(code).not.toBe(0);
    expect(second.stderr()).toContain('already being served');
    expect(await readyStatus(port)).toBeUndefined();
    expect(await readyStatus(serve.port)).toBe(200);
    expect(serverRecord(dataDir)).toEqual(before);
  });

  it('stops on SIGTERM: exit code 0, server.json removed, PostgreSQL stopped', async () => {
    const { postmasterPid: pid } = serverRecord(dataDir);
    serve.child.kill('SIGTERM');
    expect(await exitOf(serve.child, EXIT_TIMEOUT_MS)).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'server.json'))).toBe(false);
    expect(isAlive(pid)).toBe(false);
    // A clean shutdown removes postmaster.pid; a crash would leave it behind.
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });
});

describe('qm serve after a crash', () => {
  // Created when the describe runs, not when it is collected: a filtered-out describe leaves nothing behind.
  let dataDir: string;
  beforeAll(() => {
    dataDir = newDataDir();
  });
  let serve: Serve;
  const committed: string[] = [];

  it('keeps every tenant whose creation succeeded when qm serve and PostgreSQL are killed with SIGKILL', async () => {
    serve = await startServe(dataDir);
    for (const name of ['Before Crash']) {
      const created = await qm(dataDir, 'tenant', 'create', name);
      expect(created.code, created.stderr).toBe(0);
      committed.push(name);
    }
    // More creations in flight when the crash comes: whichever reported success must survive it.
    const inFlight = ['In Flight 1', 'In Flight 2'].map((name) => ({
      name,
      run: spawnQm(['tenant', 'create', name], childEnv(dataDir)),
    }));
    await Promise.race(inFlight.map(({ run }) => exitOf(run.child, COMMAND_TIMEOUT_MS)));
    const { postmasterPid: pid } = serverRecord(dataDir);
    process.kill(serve.child.pid!, 'SIGKILL');
    process.kill(pid, 'SIGKILL');
    for (const { name, run } of inFlight) {
      if ((await exitOf(run.child, COMMAND_TIMEOUT_MS)) === 0) committed.push(name);
    }
    await exitOf(serve.child, EXIT_TIMEOUT_MS);
    await until(() => !isAlive(pid), 10_000);
    // An in-flight `tenant create` that outlived the crash may have started (and stopped) a server
    // of its own on this cluster; either way the next start must find a usable cluster.

    serve = await startServe(dataDir);
    expect(fs.readFileSync(path.join(dataDir, 'postgres.log'), 'utf8')).toContain('automatic recovery in progress');
    const names = await tenantNames(dataDir);
    expect(names).toEqual(expect.arrayContaining(committed));
    expect(committed.length).toBeGreaterThanOrEqual(2);
  });

  it('recovers from a SIGKILL of qm serve alone by stopping or reusing the orphaned PostgreSQL', async () => {
    const orphan = serverRecord(dataDir).postmasterPid;
    process.kill(serve.child.pid!, 'SIGKILL');
    await exitOf(serve.child, EXIT_TIMEOUT_MS);
    expect(isAlive(orphan)).toBe(true); // detached: it outlives its owner

    serve = await startServe(dataDir);
    const record = serverRecord(dataDir);
    expect(record.ownerPid).toBe(serve.child.pid);
    // Exactly one postmaster serves the cluster: the orphan (reused) or a new one (orphan stopped).
    if (record.postmasterPid !== orphan) expect(isAlive(orphan)).toBe(false);
    expect(postmasterPid(dataDir)).toBe(record.postmasterPid);
    expect(await tenantNames(dataDir)).toEqual(expect.arrayContaining(committed));

    serve.child.kill('SIGTERM');
    expect(await exitOf(serve.child, EXIT_TIMEOUT_MS)).toBe(0);
    expect(isAlive(record.postmasterPid)).toBe(false);
  });
});
