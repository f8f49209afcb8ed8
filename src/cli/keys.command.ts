import type { Command } from 'commander';
import { listTenants } from '../modules/access/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import { configuredKeyring, rotateMasterKey } from '../platform/crypto/index.ts';
import { openRuntime, stderrLog } from './runtime.ts';

/** `qm keys rotate`: master key rotation without downtime (src/platform/crypto/rotation.service.ts). */
export function registerKeyCommands(program: Command, globalFlags: () => ConfigOverrides): void {
  const keys = program.command('keys').description('manage the master keys that wrap the tenant data keys');
  keys
    .command('rotate')
    .description(
      're-wrap every tenant data key under a new master key, one tenant at a time (no downtime). ' +
        'Key file: adds a new current key and keeps the old ones. QM_MASTER_KEY: set the new key there and the old one in QM_MASTER_KEY_PREVIOUS first.',
    )
    .option('--rewrap-only', 're-wrap to the current key without adding a new one (e.g. to finish an interrupted rotation)')
    .action(async (options: { rewrapOnly?: boolean }) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        const keyring = configuredKeyring();
        const tenants = await listTenants(runtime.db);
        const result = await rotateMasterKey(runtime.db, keyring, {
          tenantIds: tenants.map((tenant) => tenant.tenantId),
          ...(options.rewrapOnly ? { newKey: false } : {}),
        });
        process.stdout.write(`re-wrapped ${result.rewrapped} data keys of ${result.tenants} tenants under master key ${result.masterKeyId}\n`);
      } finally {
        await runtime.close();
      }
    });
}
