import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ApiKeySchema, createApiKeyAuthenticator, createLastUsedRecorder } from './modules/access/index.ts';
import { moduleRoutes } from './modules/routes.ts';
import { salesSchemas } from './modules/sales/index.ts';
import { systemClock, type Clock } from './platform/context.ts';
import type { Database } from './platform/db/index.ts';
import { registerRoutes, type RouteSpec } from './platform/http/define-route.ts';
import { refuseCredentialsInUrl } from './platform/http/credentials-in-url.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { registerHealthRoutes } from './platform/http/health.routes.ts';
import { ProblemSchema } from './platform/http/problem.schema.ts';
import { requestIdFor } from './platform/http/request-id.ts';
import { installValidators } from './platform/http/validation.ts';
import { HTTP_BODY_LIMIT_BYTES } from './platform/limits.ts';

export interface AppDeps {
  db: Database;
  logger?: FastifyServerOptions['logger'];
  clock?: Clock;
  /** Extra routes beside the modules' own (tests and plug-ins). */
  routes?: RouteSpec[];
  /** Raw Fastify registrations, run after the platform routes (tests). */
  modules?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

/** The HTTP app, separate from listen() so tests drive it with app.inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: requestIdFor,
    bodyLimit: HTTP_BODY_LIMIT_BYTES,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false } },
  });
  installValidators(app);
  installErrorHandling(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onRequest', refuseCredentialsInUrl);
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Quartermaster API',
        version: '1',
        description: 'The public REST API of Quartermaster, the ERP for wholesale distributors. The web app uses the same API.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: qm_live_…' } },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => String(json.$id ?? `def-${index}`) },
  });
  registerHealthRoutes(app, deps.db);
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.addSchema(ApiKeySchema);
  for (const schema of salesSchemas) app.addSchema(schema);

  const lastUsed = createLastUsedRecorder(deps.db);
  app.addHook('onClose', async () => lastUsed.stop());
  const clock = deps.clock ?? systemClock;
  registerRoutes(
    app,
    { db: deps.db, authenticate: createApiKeyAuthenticator(deps.db, lastUsed, () => clock.now()), clock },
    [...moduleRoutes, ...(deps.routes ?? [])],
  );
  for (const register of deps.modules ?? []) await register(app);
  return app;
}
