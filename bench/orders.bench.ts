import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createApiKey, createTenant } from '../src/modules/access/index.ts';
import { systemContext } from '../src/platform/context.ts';
import { createDatabase, ensureDatabase, migrate, withCredentials, withDatabase, APP_ROLE } from '../src/platform/db/index.ts';
import { loadLoop, type Figure } from './baselines.ts';

/**
 * Orders per second through the public HTTP API, as an integration would send
 * them: `qm serve` runs as its own process on the same PostgreSQL server as the
 * baselines; `clients` concurrent loops each create a 5-line order (priced,
 * taxed) and confirm it (credit check + allocation). One order = both calls.
 */
const ITEMS = 200;
const CUSTOMERS = 20;
const LINES_PER_ORDER = 5;

export async function benchOrders(adminUrl: string, appPassword: string, options: { clients: number; seconds: number }): Promise<Figure[]> {
  const database = `qm_bench_app_${randomBytes(3).toString('hex')}`;
  await ensureDatabase(adminUrl, database);
  const dbAdminUrl = withDatabase(adminUrl, database);
  await migrate(dbAdminUrl, { appPassword });
  const db = createDatabase({ appUrl: withCredentials(dbAdminUrl, APP_ROLE, appPassword) });
  const { result: adminKey } = await createTenant(db, { name: 'Bench Distributing', timeZone: 'America/Chicago' }, (tx, tenant) =>
    createApiKey(tx, systemContext(tenant.tenantId, 'bench'), { name: 'bench', permissions: ['*'] }),
  );
  await db.close();

  const port = await freePort();
  const server = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), 'bin/qm.js', 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      DATABASE_URL: dbAdminUrl,
      QM_APP_PASSWORD: appPassword,
      QM_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      QM_NO_DEMO: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForReady(base);
    const api = client(base, adminKey.secret);
    const { shipTos, skus } = await setUpMasterData(api);
    let sequence = 0;
    const result = await loadLoop(options.clients, options.seconds, async () => {
      const customer = shipTos[sequence++ % shipTos.length]!;
      const picked = new Set<string>();
      while (picked.size < LINES_PER_ORDER) picked.add(skus[Math.floor(Math.random() * skus.length)]!);
      const order = await api('POST', '/v1/sales-orders', {
        customerId: customer.customerId,
        shipToId: customer.shipToId,
        lines: [...picked].map((sku) => ({ sku, unit: 'EA', qty: String(1 + Math.floor(Math.random() * 5)) })),
      });
      await api('POST', `/v1/sales-orders/${order.orderId}/confirm`);
    });
    return [
      {
        name: `Quartermaster HTTP: create + price + tax + credit + allocate, ${LINES_PER_ORDER}-line orders`,
        rate: result.rate,
        unit: 'orders/s',
        note: `${result.count} orders, ${result.errors} errors`,
      },
    ];
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

type Api = (method: string, path: string, body?: unknown) => Promise<any>;

function client(base: string, key: string): Api {
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

async function setUpMasterData(api: Api): Promise<{ shipTos: Array<{ customerId: string; shipToId: string }>; skus: string[] }> {
  await api('POST', '/v1/tax-jurisdictions', { jurisdictionCode: 'US-TX-DALLAS', name: 'Dallas, TX', rates: [{ taxClass: 'standard', rate: '0.0825' }] });
  const warehouse = await api('POST', '/v1/warehouses', { code: 'DAL', name: 'Dallas', timeZone: 'America/Chicago' });
  const warehouseId = warehouse.warehouseId;
  const list = await api('POST', '/v1/price-lists', { code: 'BASE', name: 'Base prices', isBase: true });
  const skus: string[] = [];
  for (let index = 1; index <= ITEMS; index++) {
    const sku = `BENCH-${String(index).padStart(4, '0')}`;
    const item = await api('POST', '/v1/items', { sku, description: `Bench item ${index}`, stockingUnit: 'EA' });
    await api('PUT', `/v1/price-lists/${list.priceListId}/entries/${item.itemId}/EA/0`, { unitPrice: `${1 + (index % 50)}.25` });
    await api('POST', '/v1/stock-adjustments', { itemId: item.itemId, warehouseId, qty: '100000000', unitCost: '0.75', reason: 'bench opening stock' });
    skus.push(sku);
  }
  const shipTos: Array<{ customerId: string; shipToId: string }> = [];
  for (let index = 1; index <= CUSTOMERS; index++) {
    const customer = await api('POST', '/v1/customers', {
      code: `C${index}`,
      name: `Bench customer ${index}`,
      creditLimitMinor: 1_000_000_000_000,
      defaultWarehouseId: warehouseId,
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
  return { shipTos, skus };
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
