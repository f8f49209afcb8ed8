import type { Command } from 'commander';
import { createApiKey, findTenantByNameOrThrow, getTenantOrThrow, listApiKeys, revokeApiKey } from '../modules/access/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import { systemContext } from '../platform/context.ts';
import { PAGE_SIZE_MAX } from '../platform/limits.ts';
import { openRuntime, stderrLog } from './runtime.ts';

/** `qm apikey create|list|revoke --tenant NAME`: operator access to a tenant's API keys. */
export function registerApiKeyCommands(program: Command, globalFlags: () => ConfigOverrides): void {
  const apikey = program.command('apikey').description("manage a tenant's API keys");
  apikey
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--tenant <name>', 'tenant name')
    .requiredOption('--permissions <list>', 'comma-separated permissions, or * for all')
    .option('--name <name>', 'what the key is for', 'created by qm apikey create')
    .action(async (options: { tenant: string; permissions: string; name: string }) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        const tenant = await findTenantByNameOrThrow(runtime.db, options.tenant);
        const permissions = options.permissions.split(',').map((permission) => permission.trim()).filter(Boolean);
        const { secret, apiKey } = await runtime.db.withTenant(tenant, async (tx) => {
          const { timeZone } = await getTenantOrThrow(tx, tenant.tenantId);
          return createApiKey(tx, systemContext(tenant.tenantId, 'cli', { timeZone }), { name: options.name, permissions });
        });
        stderrLog(`API key ${apiKey.apiKeyId} created for ${tenant.name} with ${apiKey.permissions.join(', ')}; it is shown once:`);
        process.stdout.write(`${secret}\n`);
      } finally {
        await runtime.close();
      }
    });
  apikey
    .command('list')
    .description('list API keys (never their secrets)')
    .requiredOption('--tenant <name>', 'tenant name')
    .action(async (options: { tenant: string }) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        const tenant = await findTenantByNameOrThrow(runtime.db, options.tenant);
        const ctx = systemContext(tenant.tenantId, 'cli');
        let after: string | undefined;
        do {
          const page = await runtime.db.withTenant(tenant, (tx) => listApiKeys(tx, ctx, { limit: PAGE_SIZE_MAX, after }));
          for (const key of page.items) {
            const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
            process.stdout.write(`${key.apiKeyId}  ${key.displayPrefix}…  ${state}  ${key.permissions.join(',')}  ${key.name}\n`);
          }
          after = page.nextCursor ? page.items[page.items.length - 1]?.apiKeyId : undefined;
        } while (after);
      } finally {
        await runtime.close();
      }
    });
  apikey
    .command('revoke <apiKeyId>')
    .description('revoke an API key')
    .requiredOption('--tenant <name>', 'tenant name')
    .action(async (apiKeyId: string, options: { tenant: string }) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        const tenant = await findTenantByNameOrThrow(runtime.db, options.tenant);
        const { after } = await runtime.db.withTenant(tenant, (tx) => revokeApiKey(tx, systemContext(tenant.tenantId, 'cli'), apiKeyId));
        process.stdout.write(`revoked ${after.apiKeyId} at ${after.revokedAt?.toISOString()}\n`);
      } finally {
        await runtime.close();
      }
    });
}
