import { Command, CommanderError, Option } from 'commander';
import { createApiKey, createTenant, listTenants } from './modules/access/index.ts';
import { registerApiKeyCommands } from './cli/apikey.command.ts';
import { systemContext } from './platform/context.ts';
import { ALL_PERMISSIONS } from './platform/permissions.ts';
import { AppError, translateDatabaseError } from './platform/errors.ts';
import { ConfigError, type ConfigOverrides } from './platform/config.ts';
import { EmbeddedServerError, MigrationError } from './platform/db/index.ts';
import { openRuntime, stderrLog } from './cli/runtime.ts';
import { serveCommand } from './cli/serve.command.ts';
import { seedDemoCommand } from './cli/seed-demo.command.ts';
import { auditVerifyCommand } from './cli/audit.command.ts';
import { verifyCommand } from './cli/verify.command.ts';
import { demoCommand } from './cli/demo.command.ts';
import { replenishCommand } from './cli/replenish.command.ts';
import { registerKeyCommands } from './cli/keys.command.ts';
import { workerCommand } from './cli/worker.command.ts';
import { registerOutboxCommands } from './cli/outbox.command.ts';

/**
 * The `qm` command line. Configuration comes from the environment (PORT,
 * DATA_DIR, DATABASE_URL, LOG_LEVEL), overridable by the global flags.
 */
export function buildCli(): Command {
  const program = new Command('qm')
    .description('Quartermaster: the ERP for wholesale distributors')
    .addOption(new Option('--data-dir <dir>', 'embedded PostgreSQL cluster, file store and keys (env DATA_DIR, default ./data)'))
    .addOption(new Option('--database-url <url>', 'use this PostgreSQL server instead of the embedded one (env DATABASE_URL)'))
    .addOption(new Option('--log-level <level>', 'log level (env LOG_LEVEL, default info)'))
    .exitOverride()
    .showHelpAfterError();

  const globalFlags = (): ConfigOverrides => {
    const options = program.opts<{ dataDir?: string; databaseUrl?: string; logLevel?: string }>();
    return { dataDir: options.dataDir, databaseUrl: options.databaseUrl, logLevel: options.logLevel };
  };

  program
    .command('serve')
    .description('serve the HTTP API and web app (migrates first)')
    .option('--port <port>', 'HTTP port (env PORT, default 3000)')
    .option('--host <host>', 'listen address (env HOST, default 0.0.0.0)')
    .option('--no-demo', 'do not seed the demo distributor on an empty embedded database (env QM_NO_DEMO=1)')
    .action(async (options: { port?: string; host?: string; demo: boolean }) => {
      await serveCommand({ ...globalFlags(), port: options.port, host: options.host, noDemo: !options.demo });
    });

  program
    .command('seed-demo')
    .description('create the demo distributor "Demo Distributing" and print its admin API key (refuses if it exists)')
    .action(async () => {
      await seedDemoCommand(globalFlags());
    });

  program
    .command('worker')
    .description('deliver the outbox (webhooks, EDI, …) until SIGTERM/SIGINT; run any number')
    .option('--batch-size <n>', 'deliveries claimed per batch')
    .option('--poll-ms <ms>', 'idle wait between claims that found no work')
    .action(async (options: { batchSize?: string; pollMs?: string }) => {
      await workerCommand({ ...globalFlags(), batchSize: options.batchSize, pollMs: options.pollMs });
    });

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      await runtime.close();
      process.stdout.write('database is up to date\n');
    });

  const tenant = program.command('tenant').description('manage tenants');
  tenant
    .command('create <name>')
    .description('create a tenant')
    .option('--currency <code>', 'functional currency (ISO 4217)', 'USD')
    .option('--time-zone <zone>', 'IANA time zone', 'UTC')
    .action(async (name: string, options: { currency: string; timeZone: string }) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        // The tenant and its first admin key commit together: a tenant never exists without a way in.
        const { tenant: created, result: adminKey } = await createTenant(
          runtime.db,
          { name, functionalCurrency: options.currency, timeZone: options.timeZone },
          (tx, row) =>
            createApiKey(tx, systemContext(row.tenantId, 'cli', { timeZone: row.timeZone }), {
              name: 'first admin key',
              permissions: [ALL_PERMISSIONS],
            }),
        );
        stderrLog(`tenant ${created.name} created (${created.tenantId}); its first admin API key is shown once:`);
        process.stdout.write(`${adminKey.secret}\n`);
      } finally {
        await runtime.close();
      }
    });
  tenant
    .command('list')
    .description('list tenants')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const runtime = await openRuntime(globalFlags(), 'cli', stderrLog);
      try {
        const tenants = await listTenants(runtime.db);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(tenants, null, 2)}\n`);
        } else {
          for (const t of tenants) process.stdout.write(`${t.tenantId}  ${t.name}  ${t.functionalCurrency}  ${t.timeZone}  ${t.status}\n`);
        }
      } finally {
        await runtime.close();
      }
    });
  registerApiKeyCommands(program, globalFlags);

  const auditLog = program.command('audit').description('the audit log');
  auditLog
    .command('verify')
    .description('check the audit hash chain; names the first broken row, exits 1 if any')
    .option('--tenant <name>', 'only this tenant (default: all tenants)')
    .action(async (options: { tenant?: string }) => {
      await auditVerifyCommand(globalFlags(), options);
    });
  program
    .command('verify')
    .description('check that the books agree with the operations (stock value = GL inventory, open items = GL AR, balanced entries, stock positions); exits 1 on any difference')
    .option('--tenant <name>', 'only this tenant (default: all tenants)')
    .action(async (options: { tenant?: string }) => {
      await verifyCommand(globalFlags(), options);
    });
  program
    .command('demo')
    .description('run a batch of orders through the whole flow on the demo tenant (seeding it first if needed), print the trail and qm verify; exits 1 on any difference')
    .option('--quiet', 'print only the summary and the verification')
    .action(async (options: { quiet?: boolean }) => {
      await demoCommand(globalFlags(), options);
    });
  program
    .command('replenish')
    .description('print the replenishment suggestions (min/max, reorder point); with --create make the draft purchase orders, one per supplier and warehouse')
    .option('--tenant <name|id>', 'the tenant (default: the only tenant, else the demo tenant)')
    .option('--warehouse <code>', 'only this warehouse')
    .option('--create', 'create the draft purchase orders and print their numbers')
    .option('--json', 'print JSON instead of a table')
    // Bad arguments exit 2 (the brief of qm replenish), help still 0.
    .exitOverride((error) => {
      throw error.exitCode === 0 ? error : new CommanderError(2, error.code, error.message);
    })
    .action(async (options: { tenant?: string; warehouse?: string; create?: boolean; json?: boolean }) => {
      await replenishCommand(globalFlags(), options);
    });
  registerKeyCommands(program, globalFlags);
  registerOutboxCommands(program, globalFlags);
  return program;
}

/** Runs the CLI; known errors print one clear line (never a stack trace) and set the exit code. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof AppError) {
      stderrLog(`${error.code}: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    if (error instanceof EmbeddedServerError || error instanceof MigrationError || error instanceof ConfigError) {
      stderrLog(error.message);
      process.exitCode = 1;
      return;
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === '28P01' || code === '3D000') {
      stderrLog(`DATABASE_UNREACHABLE: cannot use the PostgreSQL server (${(error as Error).message}); check DATABASE_URL`);
      process.exitCode = 1;
      return;
    }
    const fromDatabase = translateDatabaseError(error);
    if (fromDatabase) {
      stderrLog(`${fromDatabase.code}: ${fromDatabase.message}`);
      process.exitCode = 1;
      return;
    }
    stderrLog(`unexpected error: ${(error as Error).message}`);
    if (process.env.LOG_LEVEL === 'debug') console.error(error);
    process.exitCode = 1;
  }
}
