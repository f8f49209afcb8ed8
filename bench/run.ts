// `npm run bench`: application figures beside baselines measured against the same
// PostgreSQL server in the same run. Not part of `npm test`. Uses DATABASE_URL when
// set (a superuser URL), otherwise a throwaway embedded server with default (durable)
// settings (and pg_stat_statements loaded, tracking nothing until the flow bench's
// statement probe turns it on for its own database). Options: BENCH_SECONDS
// (default 15), BENCH_CLIENTS (default 8), BENCH_ONLY (comma list of tpcb, neworder,
// fastify, orders, flow; default all), BENCH_PROBE_FLOWS (default 10).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedServer } from '../src/platform/db/index.ts';
import { bareFastify, pgbenchNewOrder, pgbenchTpcb, type Figure } from './baselines.ts';
import { benchFlow } from './flow.bench.ts';
import { benchOrders } from './orders.bench.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const clients = Number(process.env.BENCH_CLIENTS ?? 8);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((name) => name.trim())) : undefined;
const wanted = (name: string) => !only || only.has(name);
/** Units whose rate is set beside the raw-SQL new order as a ratio. */
const RATIO_UNITS = new Set(['orders/s', 'flows/s']);

async function main(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  let appPassword = process.env.QM_APP_PASSWORD ?? 'qm_app';
  let release = async () => {};
  let tempDir: string | undefined;
  if (!adminUrl) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-'));
    fs.chmodSync(tempDir, 0o755);
    const server = await openEmbeddedServer(tempDir, {
      kind: 'test',
      settings: { max_connections: '200', shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'none' },
    });
    adminUrl = server.adminUrl;
    appPassword = server.appPassword;
    release = server.release;
  }
  const figures: Figure[] = [];
  const say = (figure: Figure) => {
    figures.push(figure);
    process.stderr.write(`bench: ${figure.name}: ${figure.rate.toFixed(1)} ${figure.unit}${figure.note ? ` (${figure.note})` : ''}\n`);
  };
  const reports: string[] = [];
  try {
    if (wanted('tpcb')) say(await pgbenchTpcb(adminUrl, { clients, seconds }));
    if (wanted('neworder')) {
      say(await pgbenchNewOrder(adminUrl, { clients, seconds, nsku: 10_000 }));
      say(await pgbenchNewOrder(adminUrl, { clients, seconds, nsku: 100 }));
    }
    if (wanted('fastify')) say(await bareFastify({ clients, seconds }));
    if (wanted('orders')) for (const figure of await benchOrders(adminUrl, appPassword, { clients, seconds })) say(figure);
    if (wanted('flow')) {
      const flow = await benchFlow(adminUrl, appPassword, { clients, seconds });
      for (const figure of flow.figures) say(figure);
      reports.push(...flow.report);
    }
  } finally {
    await release();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  }
  const neworder = figures.find((figure) => figure.name.startsWith('raw-SQL new order') && figure.name.includes('nsku=10000'));
  console.log(`\nQuartermaster benchmark — ${clients} clients, ${seconds} s each, ${os.cpus().length} cores, PostgreSQL ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded 15'}\n`);
  console.log('| measurement | rate | vs raw-SQL new order |');
  console.log('|---|---:|---:|');
  for (const figure of figures) {
    const ratio = neworder && RATIO_UNITS.has(figure.unit) ? `${((figure.rate / neworder.rate) * 100).toFixed(0)} %` : '';
    console.log(`| ${figure.name} | ${figure.rate.toFixed(1)} ${figure.unit} | ${ratio} |`);
  }
  if (reports.length > 0) console.log(`\n${reports.join('\n')}`);
}

await main();
