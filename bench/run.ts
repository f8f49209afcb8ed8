// `npm run bench`: application figures beside baselines measured against the same
// PostgreSQL server in the same run. Not part of `npm test`. Uses DATABASE_URL when
// set (a superuser URL), otherwise a throwaway embedded server with default (durable)
// settings. Options: BENCH_SECONDS (default 15), BENCH_CLIENTS (default 8).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedServer } from '../src/platform/db/index.ts';
import { bareFastify, pgbenchNewOrder, pgbenchTpcb, type Figure } from './baselines.ts';
import { benchOrders } from './orders.bench.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const clients = Number(process.env.BENCH_CLIENTS ?? 8);

async function main(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  let appPassword = process.env.QM_APP_PASSWORD ?? 'qm_app';
  let release = async () => {};
  let tempDir: string | undefined;
  if (!adminUrl) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-bench-'));
    fs.chmodSync(tempDir, 0o755);
    const server = await openEmbeddedServer(tempDir, { kind: 'test', settings: { max_connections: '200' } });
    adminUrl = server.adminUrl;
    appPassword = server.appPassword;
    release = server.release;
  }
  const figures: Figure[] = [];
  const say = (figure: Figure) => {
    figures.push(figure);
    process.stderr.write(`bench: ${figure.name}: ${figure.rate.toFixed(1)} ${figure.unit}${figure.note ? ` (${figure.note})` : ''}\n`);
  };
  try {
    say(await pgbenchTpcb(adminUrl, { clients, seconds }));
    say(await pgbenchNewOrder(adminUrl, { clients, seconds, nsku: 10_000 }));
    say(await pgbenchNewOrder(adminUrl, { clients, seconds, nsku: 100 }));
    say(await bareFastify({ clients, seconds }));
    for (const figure of await benchOrders(adminUrl, appPassword, { clients, seconds })) say(figure);
  } finally {
    await release();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  }
  const neworder = figures.find((figure) => figure.name.startsWith('raw-SQL new order') && figure.name.includes('nsku=10000'));
  console.log(`\nQuartermaster benchmark — ${clients} clients, ${seconds} s each, ${os.cpus().length} cores, PostgreSQL ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded 15'}\n`);
  console.log('| measurement | rate | vs raw-SQL new order |');
  console.log('|---|---:|---:|');
  for (const figure of figures) {
    const ratio = neworder && figure.unit === 'orders/s' ? `${((figure.rate / neworder.rate) * 100).toFixed(0)} %` : '';
    console.log(`| ${figure.name} | ${figure.rate.toFixed(1)} ${figure.unit} | ${ratio} |`);
  }
}

await main();
