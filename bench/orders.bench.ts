import { loadLoop, type Figure } from './baselines.ts';
import { client, prepareBenchDatabase, startQmServe, type Api } from './serve.ts';

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
  const bench = await prepareBenchDatabase(adminUrl, appPassword, 'qm_bench_app');
  const server = await startQmServe(bench.dbAdminUrl, appPassword);
  try {
    const api = client(server.base, bench.apiKey);
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
    await server.stop();
  }
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
