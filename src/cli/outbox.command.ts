import type { Command } from 'commander';
import { findTenantByNameOrThrow } from '../modules/access/index.ts';
import type { ConfigOverrides } from '../platform/config.ts';
import { systemContext } from '../platform/context.ts';
import { appendEvent, subscribe, unsubscribe } from '../platform/outbox/index.ts';
import { openRuntime, stderrLog } from './runtime.ts';

/**
 * `qm outbox …`: operator commands to see delivery work end to end before the
 * webhook and EDI modules exist — subscribe 'log:demo', ping, and watch
 * `qm worker` (or `qm serve` in embedded mode) log the event.
 */
export function registerOutboxCommands(program: Command, globalFlags: () => ConfigOverrides): void {
  const outbox = program.command('outbox').description('outbox subscriptions and test events');
  outbox
    .command('subscribe <tenant> <consumer>')
    .description("subscribe a consumer ('log:<name>', 'webhook:<id>', …) of a tenant to events")
    .option('--events <types>', "comma-separated event types, or '*' for all", '*')
    .option('--max-attempts <n>', 'attempts before a delivery is dead')
    .action(async (tenantName: string, consumer: string, options: { events: string; maxAttempts?: string }) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        const tenant = await findTenantByNameOrThrow(runtime.db, tenantName);
        const ctx = systemContext(tenant.tenantId, 'cli');
        const subscription = await runtime.db.withTenant(ctx, (tx) =>
          subscribe(tx, ctx, {
            consumer,
            eventTypes: options.events.split(',').map((type) => type.trim()),
            maxAttempts: options.maxAttempts === undefined ? undefined : Number(options.maxAttempts),
          }),
        );
        process.stdout.write(`${subscription.consumer} subscribed to ${subscription.eventTypes.join(', ')}\n`);
      } finally {
        await runtime.close();
      }
    });
  outbox
    .command('unsubscribe <tenant> <consumer>')
    .description('stop creating deliveries for a consumer (pending ones are still delivered)')
    .action(async (tenantName: string, consumer: string) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        const tenant = await findTenantByNameOrThrow(runtime.db, tenantName);
        const ctx = systemContext(tenant.tenantId, 'cli');
        const found = await runtime.db.withTenant(ctx, (tx) => unsubscribe(tx, ctx, consumer));
        process.stdout.write(found ? `${consumer} unsubscribed\n` : `${consumer} was not subscribed\n`);
      } finally {
        await runtime.close();
      }
    });
  outbox
    .command('ping <tenant>')
    .description("append an 'outbox.ping' event for a tenant")
    .action(async (tenantName: string) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        const tenant = await findTenantByNameOrThrow(runtime.db, tenantName);
        const ctx = systemContext(tenant.tenantId, 'cli');
        const appended = await runtime.db.withTenant(ctx, (tx) =>
          appendEvent(tx, ctx, { eventType: 'outbox.ping', aggregateType: 'outbox', aggregateId: 'ping', payload: { sentAt: ctx.clock.now().toISOString() } }),
        );
        process.stdout.write(`event ${appended.eventId}: ${appended.deliveryIds.length} deliveries\n`);
      } finally {
        await runtime.close();
      }
    });
}
