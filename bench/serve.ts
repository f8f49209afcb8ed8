import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createApiKey, createTenant } from '../src/modules/access/index.ts';
import { systemContext } from '../src/platform/context.ts';
import { createDatabase, ensureDatabase, migrate, withCredentials, withDatabase, APP_ROLE } from '../src/platform/db/index.ts';

/**
 * What the HTTP benches share: a fresh migrated database with one tenant and an
 * all-permission API key, `qm serve` as its own process against it, and a JSON
 * client that throws on 4xx/5xx (so loadLoop counts the flow as an error).
 */

export type Api = (method: string, path: string, body?: unknown) => Promise<any>;

export interface BenchDatabase {
  /** Superuser URL of the bench database. */
  dbAdminUrl: string;
  database: string;
  apiKey: string;
}

export async function prepareBenchDatabase(adminUrl: string, appPassword: string, prefix: string): Promise<BenchDatabase> {
  const database = `${prefix}_${randomBytes(3).toString('hex')}`;
  await ensureDatabase(adminUrl, database);
  const dbAdminUrl = withDatabase(adminUrl, database);
  await migrate(dbAdminUrl, { appPassword });
  const db = createDatabase({ appUrl: withCredentials(dbAdminUrl, APP_ROLE, appPassword) });
  try {
    const { result: adminKey } = await createTenant(db, { name: 'Bench Distributing', timeZone: 'America/Chicago' }, (tx, tenant) =>
      createApiKey(tx, systemContext(tenant.tenantId, 'bench'), { name: 'bench', permissions: ['*'] }),
    );
    return { dbAdminUrl, database, apiKey: adminKey.secret };
  } finally {
    await db.close();
  }
}

export interface RunningServer {
  base: string;
  stop: () => Promise<void>;
}

/** `qm serve` in its own process (BENCH_NODE_ARGS passes e.g. --cpu-prof to it); resolves once /readyz answers. */
export async function startQmServe(dbAdminUrl: string, appPassword: string): Promise<RunningServer> {
  const port = await freePort();
  const server: ChildProcess = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), 'bin/qm.js', 'serve', '--port', String(port), '--host', '127.0.0.1'],
    {
      env: {
        ...process.env,
        DATABASE_URL: dbAdminUrl,
        QM_APP_PASSWORD: appPassword,
        QM_MASTER_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
        QM_NO_DEMO: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const stop = async () => {
    server.kill('SIGTERM');
    await exited;
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(base);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, stop };
}

export function client(base: string, key: string): Api {
  return async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 400) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
}

async function waitForReady(base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('qm serve did not become ready within 60 s');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
