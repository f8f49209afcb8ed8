import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ApiKeySchema, createApiKeyAuthenticator, createLastUsedRecorder } from './modules/access/index.ts';
import { paymentSchemas } from './modules/billing/index.ts';
import { inventorySchemas } from './modules/inventory/index.ts';
import { ledgerSchemas } from './modules/ledger/index.ts';
import { catalogSchemas } from './modules/catalog/index.ts';
import { partnersSchemas } from './modules/partners/index.ts';
import { pricingSchemas } from './modules/pricing/index.ts';
import { reportingSchemas } from './modules/reporting/index.ts';
import { moduleRoutes } from './modules/routes.ts';
import { salesSchemas } from './modules/sales/index.ts';
import { shippingSchemas } from './modules/shipping/index.ts';
import { invoiceSchemas } from './modules/billing/index.ts';
import { warehouseSchemas } from './modules/warehouse/index.ts';
import { purchasingSchemas } from './modules/purchasing/index.ts';
import { payablesSchemas } from './modules/payables/index.ts';
import { replenishmentSchemas } from './modules/replenishment/index.ts';
import { systemClock, type Clock } from './platform/context.ts';
import type { Database } from './platform/db/index.ts';
import { registerRoutes, type RouteSpec } from './platform/http/define-route.ts';
import { refuseCredentialsInUrl } from './platform/http/credentials-in-url.ts';
import { installJsonParser, refuseUnsupportedEncodings } from './platform/http/body-encoding.ts';
import { installErrorHandling, sendProblem } from './platform/http/error-handler.ts';
import { AppError } from './platform/errors.ts';
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
    // Fastify's own early refusals (bad URL encoding, over-long parameters) as problem+json too.
    frameworkErrors: (error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      const appError =
        status === 414
          ? new AppError('VALIDATION_FAILED', 'a path parameter is too long')
          : new AppError('VALIDATION_FAILED', 'the request URL is malformed');
      void sendProblem(request, reply, appError);
    },
  });
  installValidators(app);
  installErrorHandling(app);
  // The API speaks JSON only (UNSUPPORTED_MEDIA_TYPE). Fastify also parses text/plain by
  // default, which would hand a route a string body and turn a wrong content type into a
  // confusing 400; without the parser it is a 415. A route that takes raw text (EDI) adds
  // its own parser in its own plugin scope.
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onRequest', refuseCredentialsInUrl);
  app.addHook('onRequest', refuseUnsupportedEncodings);
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
  for (const schema of inventorySchemas) app.addSchema(schema);
  for (const schema of [...catalogSchemas, ...partnersSchemas]) app.addSchema(schema);
  for (const schema of pricingSchemas) app.addSchema(schema);
  for (const schema of salesSchemas) app.addSchema(schema);
  for (const schema of paymentSchemas) app.addSchema(schema);
  for (const schema of [...shippingSchemas, ...invoiceSchemas]) app.addSchema(schema);
  for (const schema of [...ledgerSchemas, ...reportingSchemas]) app.addSchema(schema);
  for (const schema of warehouseSchemas) app.addSchema(schema);
  for (const schema of purchasingSchemas) app.addSchema(schema);
  for (const schema of payablesSchemas) app.addSchema(schema);
  for (const schema of replenishmentSchemas) app.addSchema(schema);

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
