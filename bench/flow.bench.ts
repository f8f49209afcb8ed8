import pg from 'pg';
import { loadLoop, type Figure } from './baselines.ts';
import { client, prepareBenchDatabase, startQmServe, type Api } from './serve.ts';

/**
 * The whole flow per second through the public HTTP API (issue 5): `qm serve`
 * runs as its own process on the same PostgreSQL server as the baselines, like
 * the order bench; `clients` concurrent loops each take one order from capture
 * to a posted invoice:
 *
 *   create (5 lines, priced, taxed) → confirm (credit + allocate) → wave of that
 *   order → confirm each pick task by scanning its bin code and the item's SKU →
 *   open a shipment → one carton (SSCC-18) → pack each line by SKU scan → ship
 *   confirm (stock out at moving average, invoice, journal entries, open item,
 *   order status, events — one transaction).
 *
 * One flow = those 16 requests; a flow that fails anywhere counts as an error.
 * Stock (100 000 000 of each item, in storage bins) is adjusted in up front,
 * outside the timed part. After the timed run, a single-client probe of
 * PROBE_FLOWS flows counts the SQL statements each step sends
 * (pg_stat_statements, top level, incl. BEGIN/COMMIT) and the database time
 * they take, so the figure says where the time goes.
 */
const ITEMS = 200;
const BINS = 20;
const CUSTOMERS = 20;
const LINES_PER_ORDER = 5;
const PROBE_FLOWS = Number(process.env.BENCH_PROBE_FLOWS ?? 10);
/** BENCH_PROBE_DETAIL=1 also lists each step's statements (normalised text, calls per flow). */
const PROBE_DETAIL = process.env.BENCH_PROBE_DETAIL === '1';

interface MasterData {
  warehouseId: string;
  shipTos: Array<{ customerId: string; shipToId: string }>;
  skus: string[];
}

/** Runs one step of a flow; the probe wraps it to measure, the timed run just calls it. */
type Step = <T>(name: string, requests: number, run: () => Promise<T>) => Promise<T>;
const justRun: Step = (_name, _requests, run) => run();

export interface FlowBenchResult {
  figures: Figure[];
  /** Markdown lines: statements and time per step, from the probe. */
  report: string[];
}

export async function benchFlow(adminUrl: string, appPassword: string, options: { clients: number; seconds: number }): Promise<FlowBenchResult> {
  const bench = await prepareBenchDatabase(adminUrl, appPassword, 'qm_bench_flow');
  let server = await startQmServe(bench.dbAdminUrl, appPassword);
  let master: MasterData;
  let figure: Figure;
  try {
    const api = client(server.base, bench.apiKey);
    master = await setUpMasterData(api);
    let sequence = 0;
    let firstError: string | undefined;
    const result = await loadLoop(options.clients, options.seconds, async () => {
      try {
        await runFlow(api, master, sequence++, justRun);
      } catch (error) {
        firstError ??= String(error);
        throw error;
      }
    });
    if (firstError) process.stderr.write(`bench: whole flow: first error: ${firstError}\n`);
    figure = {
      name: `Quartermaster HTTP: whole flow, order → allocate → wave → ${LINES_PER_ORDER} picks → carton + pack → ship confirm (posted invoice)`,
      rate: result.rate,
      unit: 'flows/s',
      note: `${result.count} flows, ${result.errors} errors`,
    };
  } finally {
    await server.stop();
  }

  // The probe: a fresh `qm serve` whose connections track statements (the timed run's did not).
  const report: string[] = [];
  const admin = new pg.Client({ connectionString: bench.dbAdminUrl });
  await admin.connect();
  try {
    const tracking = await enableStatementTracking(admin, bench.database);
    if (!tracking) {
      report.push('(statement probe skipped: pg_stat_statements is not in shared_preload_libraries of this server)');
    } else {
      server = await startQmServe(bench.dbAdminUrl, appPassword);
      try {
        report.push(...(await probeFlow(client(server.base, bench.apiKey), admin, master)));
      } finally {
        await server.stop();
      }
    }
  } finally {
    await admin.end();
  }
  return { figures: [figure], report };
}

async function runFlow(api: Api, master: MasterData, sequence: number, step: Step): Promise<void> {
  const customer = master.shipTos[sequence % master.shipTos.length]!;
  const picked = new Set<string>();
  while (picked.size < LINES_PER_ORDER) picked.add(master.skus[Math.floor(Math.random() * master.skus.length)]!);
  const order = await step('create order (price + tax)', 1, () =>
    api('POST', '/v1/sales-orders', {
      customerId: customer.customerId,
      shipToId: customer.shipToId,
      lines: [...picked].map((sku) => ({ sku, unit: 'EA', qty: String(1 + Math.floor(Math.random() * 5)) })),
    }),
  );
  await step('confirm (credit + allocate)', 1, () => api('POST', `/v1/sales-orders/${order.orderId}/confirm`));
  const wave = await step('wave', 1, () => api('POST', '/v1/waves', { warehouseId: master.warehouseId, orderIds: [order.orderId] }));
  await step(`pick (scan bin + item) ×${wave.tasks.length}`, wave.tasks.length, async () => {
    for (const task of wave.tasks) {
      await api('POST', `/v1/pick-tasks/${task.taskId}/confirm`, { binScan: task.binCode, itemScan: task.sku, qty: task.qtyToPick });
    }
  });
  const shipment = await step('open shipment', 1, () => api('POST', '/v1/shipments', { orderId: order.orderId, warehouseId: master.warehouseId }));
  const carton = await step('add carton (SSCC)', 1, () => api('POST', `/v1/shipments/${shipment.shipmentId}/cartons`, { weightKg: '4.5' }));
  await step(`pack (scan item) ×${wave.tasks.length}`, wave.tasks.length, async () => {
    for (const task of wave.tasks) await api('POST', `/v1/cartons/${carton.cartonId}/lines`, { itemScan: task.sku, qty: task.qtyToPick });
  });
  const shipped = await step('ship confirm (issue + invoice + postings)', 1, () =>
    api('POST', `/v1/shipments/${shipment.shipmentId}/confirm`, { carrier: 'UPS', service: 'GROUND', trackingNumber: `1Z${sequence}` }),
  );
  if (shipped.invoice?.status !== 'posted') throw new Error(`ship confirm gave no posted invoice: ${JSON.stringify(shipped.invoice)}`);
}

async function setUpMasterData(api: Api): Promise<MasterData> {
  await api('POST', '/v1/tax-jurisdictions', { jurisdictionCode: 'US-TX-DALLAS', name: 'Dallas, TX', rates: [{ taxClass: 'standard', rate: '0.0825' }] });
  await api('PUT', '/v1/settings/shipping', { gs1CompanyPrefix: '0614141', freight: { baseMinor: 500, perKgMinor: 45 } });
  const warehouse = await api('POST', '/v1/warehouses', { code: 'DAL', name: 'Dallas', timeZone: 'America/Chicago' });
  const warehouseId: string = warehouse.warehouseId;
  const bins: string[] = [];
  for (let index = 1; index <= BINS; index++) {
    const bin = await api('POST', `/v1/warehouses/${warehouseId}/bins`, { code: `A-${String(index).padStart(2, '0')}`, pickSequence: index * 10, kind: 'storage' });
    bins.push(bin.binId);
  }
  await api('POST', `/v1/warehouses/${warehouseId}/bins`, { code: 'PACK', pickSequence: 9000, kind: 'packing' });
  const list = await api('POST', '/v1/price-lists', { code: 'BASE', name: 'Base prices', isBase: true });
  const skus: string[] = [];
  for (let index = 1; index <= ITEMS; index++) {
    const sku = `BENCH-${String(index).padStart(4, '0')}`;
    const item = await api('POST', '/v1/items', { sku, description: `Bench item ${index}`, stockingUnit: 'EA' });
    await api('PUT', `/v1/price-lists/${list.priceListId}/entries/${item.itemId}/EA/0`, { unitPrice: `${1 + (index % 50)}.25` });
    await api('POST', '/v1/stock-adjustments', { itemId: item.itemId, warehouseId, binId: bins[index % BINS], qty: '100000000', unitCost: '0.75', reason: 'bench opening stock' });
    skus.push(sku);
  }
  const shipTos: MasterData['shipTos'] = [];
  for (let index = 1; index <= CUSTOMERS; index++) {
    const customer = await api('POST', '/v1/customers', {
      code: `C${index}`,
      name: `Bench customer ${index}`,
      creditLimitMinor: 1_000_000_000_000,
      defaultWarehouseId: warehouseId,
      freightTerms: 'prepaid_and_add',
    });
    const shipTo = await api('POST', `/v1/customers/${customer.customerId}/ship-tos`, {
      code: 'MAIN',
      name: 'Main dock',
      addressLine1: '1 Commerce St',
      city: 'Dallas',
      country: 'US',
      jurisdictionCode: 'US-TX-DALLAS',
    });
    shipTos.push({ customerId: customer.customerId, shipToId: shipTo.shipToId });
  }
  return { warehouseId, shipTos, skus };
}

/** Turns pg_stat_statements on for new connections to the bench database; false when the server has not loaded it. */
async function enableStatementTracking(admin: pg.Client, database: string): Promise<boolean> {
  const { rows } = await admin.query(`select current_setting('shared_preload_libraries') as libraries`);
  if (!String(rows[0].libraries).split(',').some((name) => name.trim() === 'pg_stat_statements')) return false;
  await admin.query('create extension if not exists pg_stat_statements');
  await admin.query(`alter database ${pg.escapeIdentifier(database)} set pg_stat_statements.track = 'top'`);
  return true;
}

/** PROBE_FLOWS flows one at a time; per step: requests, statements, database time (server side) and wall time (client side). */
async function probeFlow(api: Api, admin: pg.Client, master: MasterData): Promise<string[]> {
  const totals = new Map<string, { requests: number; statements: number; dbMs: number; wallMs: number }>();
  const details = new Map<string, Map<string, number>>();
  const measure: Step = async (name, requests, run) => {
    await admin.query('select pg_stat_statements_reset()');
    const started = performance.now();
    const result = await run();
    const wallMs = performance.now() - started;
    const { rows } = await admin.query(
      `select coalesce(sum(calls), 0)::int as statements, coalesce(sum(total_exec_time), 0)::float8 as ms
         from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_statements%'`,
    );
    const key = name.replace(/×\d+$/, `×${LINES_PER_ORDER}`);
    if (PROBE_DETAIL) {
      const detail = details.get(key) ?? new Map<string, number>();
      const statements = await admin.query(
        `select query, calls::int as calls from pg_stat_statements
          where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_statements%'`,
      );
      for (const row of statements.rows) {
        const text = String(row.query).replace(/\s+/g, ' ').slice(0, 160);
        detail.set(text, (detail.get(text) ?? 0) + row.calls);
      }
      details.set(key, detail);
    }
    const total = totals.get(key) ?? { requests: 0, statements: 0, dbMs: 0, wallMs: 0 };
    total.requests += requests;
    total.statements += rows[0].statements;
    total.dbMs += rows[0].ms;
    total.wallMs += wallMs;
    totals.set(key, total);
    return result;
  };
  for (let warmUp = 0; warmUp < 3; warmUp++) await runFlow(api, master, warmUp, justRun);
  for (let flow = 0; flow < PROBE_FLOWS; flow++) await runFlow(api, master, flow, measure);

  const per = (value: number) => value / PROBE_FLOWS;
  const lines = [
    `Where one flow's time goes — ${PROBE_FLOWS} flows one at a time, per flow (statements: pg_stat_statements, top level, incl. BEGIN/COMMIT; DB ms: their execution time; wall ms: at the client):`,
    '',
    '| step | requests | statements | DB ms | wall ms |',
    '|---|---:|---:|---:|---:|',
  ];
  const sum = { requests: 0, statements: 0, dbMs: 0, wallMs: 0 };
  for (const [name, total] of totals) {
    lines.push(`| ${name} | ${per(total.requests).toFixed(0)} | ${per(total.statements).toFixed(1)} | ${per(total.dbMs).toFixed(1)} | ${per(total.wallMs).toFixed(1)} |`);
    sum.requests += total.requests;
    sum.statements += total.statements;
    sum.dbMs += total.dbMs;
    sum.wallMs += total.wallMs;
  }
  lines.push(`| **whole flow** | ${per(sum.requests).toFixed(0)} | ${per(sum.statements).toFixed(1)} | ${per(sum.dbMs).toFixed(1)} | ${per(sum.wallMs).toFixed(1)} |`);
  for (const [name, detail] of details) {
    lines.push('', `${name}:`);
    for (const [text, calls] of [...detail].sort((a, b) => b[1] - a[1])) lines.push(`  ${per(calls).toFixed(1).padStart(6)}  ${text}`);
  }
  return lines;
}
