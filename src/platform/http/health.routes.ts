import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { problemResponses } from './problem.schema.ts';

const HealthSchema = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });
const ReadySchema = Type.Object({ status: Type.Literal('ready') }, { additionalProperties: false });

/** Liveness and readiness probes for load balancers and orchestrators. Unauthenticated. */
export function registerHealthRoutes(app: FastifyInstance, db: Database): void {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: HealthSchema, ...problemResponses } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database is reachable and migrated to the version this code expects',
        response: { 200: ReadySchema, ...problemResponses },
      },
    },
    async (request) => {
      const readiness = await db.readiness();
      if (!readiness.ok) {
        if (readiness.cause) request.log.warn({ cause: readiness.cause }, 'not ready');
        throw new AppError('NOT_READY', readiness.reason);
      }
      return { status: 'ready' as const };
    },
  );
}
