import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { ensureDatabase, withCredentials, withDatabase } from '../src/platform/db/index.ts';

/**
 * Baselines measured against the same PostgreSQL server in the same run as the
 * application figures: pgbench's TPC-B, the raw-SQL "new order" transaction of
 * ../shared/bench/neworder as the non-superuser role under RLS, and a bare
 * Fastify route (the HTTP floor).
 */

const PGBENCH = ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'].find((candidate) => fs.existsSync(candidate));
const PSQL = ['/usr/lib/postgresql/15/bin/psql', '/usr/bin/psql'].find((candidate) => fs.existsSync(candidate));
export const NEWORDER_DIR = path.resolve(process.env.QM_NEWORDER_DIR ?? '../shared/bench/neworder');

export interface Figure {
  name: string;
  rate: number;
  unit: string;
  note?: string;
}

function pgEnv(url: string): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  return {
    ...process.env,
    PGHOST: parsed.hostname,
    PGPORT: parsed.port || '5432',
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)),
  };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

function tpsOf(output: string): number {
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
  if (!match) throw new Error(`no tps in pgbench output:\n${output}`);
  return Number(match[1]);
}

export async function pgbenchTpcb(adminUrl: string, options: { clients: number; seconds: number }): Promise<Figure> {
  if (!PGBENCH) throw new Error('pgbench not found: apt-get install -y postgresql-15 (Debian) provides it');
  await ensureDatabase(adminUrl, 'qm_bench_tpcb');
  const env = pgEnv(withDatabase(adminUrl, 'qm_bench_tpcb'));
  run(PGBENCH, ['-i', '-q', '-s', '8'], env);
  const output = run(PGBENCH, ['-n', '-M', 'prepared', '-c', String(options.clients), '-j', '2', '-T', String(options.seconds)], env);
  return { name: 'pgbench TPC-B (superuser, scale 8)', rate: tpsOf(output), unit: 'tx/s' };
}

export async function pgbenchNewOrder(adminUrl: string, options: { clients: number; seconds: number; nsku: number }): Promise<Figure> {
  if (!PGBENCH || !PSQL) throw new Error('pgbench/psql not found: apt-get install -y postgresql-15 (Debian) provides them');
  await ensureDatabase(adminUrl, 'qm_bench_neworder');
  const url = withDatabase(adminUrl, 'qm_bench_neworder');
  run(PSQL, ['-q', '-v', 'ON_ERROR_STOP=1', '-f', path.join(NEWORDER_DIR, 'schema.sql')], pgEnv(url));
  // The anchor's role `app` logs in without a password; our servers require one.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`alter role app password 'app'`);
  await client.end();
  const output = run(
    PGBENCH,
    ['-n', '-M', 'prepared', '-c', String(options.clients), '-j', '2', '-T', String(options.seconds), '-D', `nsku=${options.nsku}`, '-f', path.join(NEWORDER_DIR, 'neworder-rls.pgbench')],
    pgEnv(withCredentials(url, 'app', 'app')),
  );
  return { name: `raw-SQL new order, 5 lines, RLS as role app (nsku=${options.nsku})`, rate: tpsOf(output), unit: 'orders/s' };
}

/** Runs `concurrency` loops of `request` for `seconds`; returns completed requests per second. */
export async function loadLoop(concurrency: number, seconds: number, request: () => Promise<void>): Promise<{ rate: number; errors: number; count: number }> {
  const deadline = Date.now() + seconds * 1000;
  let count = 0;
  let errors = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        try {
          await request();
          count++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { rate: count / ((Date.now() - started) / 1000), errors, count };
}

export async function bareFastify(options: { clients: number; seconds: number }): Promise<Figure> {
  const app = Fastify();
  app.get('/ping', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const result = await loadLoop(options.clients, options.seconds, async () => {
      const response = await fetch(`http://127.0.0.1:${port}/ping`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(String(response.status));
    });
    return { name: 'bare Fastify GET route (same-process client)', rate: result.rate, unit: 'req/s' };
  } finally {
    await app.close();
  }
}
