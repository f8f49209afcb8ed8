import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type Actor, type Clock, type OperationContext } from '../context.ts';
import type { Database, Tx } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { nextDocumentNumber, type DocumentSeries } from '../numbering/index.ts';
import { isPermission, type Permission } from '../permissions.ts';
import { claimIdempotencyKey, hashRequest, parseIdempotencyKey, storeIdempotentResponse, type IdempotencyScope } from './idempotency.ts';
import { decodeCursor, isBadKeyValue, PageQuerySchema, type Page, type PageRequest } from './pagination.ts';
import { problemResponses } from './problem.schema.ts';

/**
 * One way to declare a route. A route names the permission it needs (deny by
 * default: a route without one does not start), its request and response
 * schemas (nothing leaves the server that the response schema does not name),
 * whether it is idempotent (Idempotency-Key) and whether it is a list (cursor
 * pagination). The handler receives the transaction, already scoped to the
 * caller's tenant, and the operation context; it never sees the pool.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: FastifyRequest['headers'];
  /** The number taken for a route that declares `documentNumber`, allocated before the transaction. */
  documentNumber: string | undefined;
  /** The numbers taken for a route that declares `documentNumbers`, allocated before the transaction. */
  documentNumbers?: string[] | undefined;
}

/** What a handler may return for schema type T: Dates where the schema says string (they serialise to ISO-8601). */
export type Wire<T> = T extends string
  ? string | Date
  : T extends Array<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export interface RouteReply<R> {
  status?: number;
  body: R;
  headers?: Record<string, string>;
}

interface CommonDefinition<P extends TSchema, Q extends TSchema, B extends TSchema> {
  method: HttpMethod;
  /** Fastify path syntax, e.g. /v1/api-keys/:apiKeyId */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  permission: Permission;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status; defaults to 201 for idempotent POSTs, else 200. */
  status?: number;
  /** Other success statuses the handler may answer with the same response schema (a PUT that creates: 201). */
  alsoStatuses?: number[];
  /**
   * A block-allocated document number series (DESIGN §2a): the number is taken
   * BEFORE the business transaction opens, in its own short transaction, and
   * handed to the handler as input.documentNumber. Gaps are allowed (a
   * replayed idempotent request or a failed one leaves one).
   */
  documentNumber?: DocumentSeries;
  /**
   * Like documentNumber, for a route that creates a number of documents it learns only
   * from the data (replenishment: one PO per supplier and warehouse). `count` runs first
   * in its own short read transaction; that many numbers are then taken, still before
   * the business transaction, and handed over as input.documentNumbers. The handler must
   * cope with the data having changed in between (refuse, or use fewer).
   */
  documentNumbers?: { series: DocumentSeries; count(tx: Tx, ctx: OperationContext, input: { query: unknown; body: unknown }): Promise<number> };
}

export interface RouteDefinition<P extends TSchema, Q extends TSchema, B extends TSchema, R extends TSchema>
  extends CommonDefinition<P, Q, B> {
  idempotent?: boolean;
  response: R;
  handler(tx: Tx, ctx: OperationContext, input: RouteInput<Static<P>, Static<Q>, Static<B>>): Promise<Wire<Static<R>> | RouteReply<Wire<Static<R>>>>;
}

export interface ListRouteDefinition<P extends TSchema, Q extends TObject, R extends TSchema>
  extends CommonDefinition<P, Q, TSchema> {
  /** The schema of one item; the response is { data: item[], nextCursor }. */
  item: R;
  handler(tx: Tx, ctx: OperationContext, input: RouteInput<Static<P>, Static<Q>, undefined> & { page: PageRequest }): Promise<Page<Wire<Static<R>>>>;
}

/** The erased form that registerRoutes consumes. */
export interface RouteSpec {
  kind: 'single' | 'list';
  definition: CommonDefinition<TSchema, TSchema, TSchema> & {
    idempotent?: boolean;
    response?: TSchema;
    item?: TSchema;
    handler: (tx: Tx, ctx: OperationContext, input: never) => Promise<unknown>;
  };
}

export function defineRoute<
  P extends TSchema = TObject<{}>,
  Q extends TSchema = TObject<{}>,
  B extends TSchema = TSchema,
  R extends TSchema = TSchema,
>(definition: RouteDefinition<P, Q, B, R>): RouteSpec {
  return { kind: 'single', definition: definition as unknown as RouteSpec['definition'] };
}

export function defineListRoute<P extends TSchema = TObject<{}>, Q extends TObject = TObject<{}>, R extends TSchema = TSchema>(
  definition: ListRouteDefinition<P, Q, R>,
): RouteSpec {
  return { kind: 'list', definition: definition as unknown as RouteSpec['definition'] };
}

/** Who is calling, as resolved from the request's credentials. */
export interface Credential {
  tenantId: string;
  timeZone: string;
  actor: Actor;
  /** Stable id of the credential, scoping its idempotency keys (e.g. "api_key:<id>"). */
  credentialId: string;
  permissions: ReadonlySet<string>;
}

export interface RouteDeps {
  db: Database;
  /** Resolves the request's credential; null when it has none or an invalid one. */
  authenticate(request: FastifyRequest): Promise<Credential | null>;
  clock?: Clock;
}

/** The credential resolved by a route's onRequest hook, for its handler. */
const credentials = new WeakMap<FastifyRequest, Credential>();

function countHeader(request: FastifyRequest, name: string): number {
  let count = 0;
  for (let index = 0; index < request.raw.rawHeaders.length; index += 2) {
    if (request.raw.rawHeaders[index]!.toLowerCase() === name) count++;
  }
  return count;
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps, routes: RouteSpec[]): void {
  for (const route of routes) assertRouteSpec(route);
  for (const route of routes) registerRoute(app, deps, route);
}

function assertRouteSpec(route: RouteSpec): void {
  const { definition } = route;
  const name = `${definition.method} ${definition.path}`;
  if (!definition.permission || !isPermission(definition.permission)) {
    throw new Error(`route ${name} declares no known permission; routes are denied by default and this one cannot start`);
  }
  if (route.kind === 'single' && !definition.response) throw new Error(`route ${name} has no response schema`);
  if (route.kind === 'list' && !definition.item) throw new Error(`list route ${name} has no item schema`);
  if (definition.body && definition.method === 'GET') throw new Error(`route ${name}: a GET takes no body`);
}

function registerRoute(app: FastifyInstance, deps: RouteDeps, route: RouteSpec): void {
  const { definition } = route;
  const clock = deps.clock ?? systemClock;
  const status = definition.status ?? (definition.idempotent && definition.method === 'POST' ? 201 : 200);
  const responseSchema =
    route.kind === 'list'
      ? Type.Object(
          {
            data: Type.Array(definition.item!),
            nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
          },
          { additionalProperties: false },
        )
      : definition.response!;
  const querySchema =
    route.kind === 'list'
      ? Type.Object({ ...((definition.query as TObject | undefined)?.properties ?? {}), ...PageQuerySchema } as TProperties, {
          additionalProperties: false,
        })
      : definition.query;
  const headersSchema = definition.idempotent
    ? Type.Object({
        'idempotency-key': Type.Optional(
          Type.String({ description: 'Makes retries safe: the same key and body replay the first response' }),
        ),
      })
    : undefined;

  app.route({
    method: definition.method,
    url: definition.path,
    schema: {
      summary: definition.summary,
      ...(definition.description ? { description: definition.description } : {}),
      tags: definition.tags,
      security: [{ apiKey: [] }],
      ...(definition.params ? { params: definition.params } : {}),
      ...(querySchema ? { querystring: querySchema } : {}),
      ...(definition.body ? { body: definition.body } : {}),
      ...(headersSchema ? { headers: headersSchema } : {}),
      response: { [status]: responseSchema, ...Object.fromEntries((definition.alsoStatuses ?? []).map((also) => [also, responseSchema])), ...problemResponses },
      'x-permission': definition.permission,
    } as Record<string, unknown>,
    // Authentication and the permission check run before validation, so that a caller
    // without a valid key learns nothing about the route's schema.
    onRequest: async (request: FastifyRequest) => {
      if (countHeader(request, 'authorization') > 1) {
        throw new AppError('UNAUTHENTICATED', 'send exactly one Authorization header');
      }
      const credential = await deps.authenticate(request);
      if (!credential) {
        throw new AppError('UNAUTHENTICATED', 'send a valid API key as "Authorization: Bearer qm_live_…"', undefined, {
          'www-authenticate': 'Bearer realm="quartermaster"',
        });
      }
      if (!credential.permissions.has(definition.permission) && !credential.permissions.has('*')) {
        throw new AppError('FORBIDDEN', `this operation needs the permission ${definition.permission}`);
      }
      if (!definition.idempotent && request.headers['idempotency-key'] !== undefined) {
        throw new AppError('IDEMPOTENCY_KEY_INVALID', `${definition.method} ${definition.path} does not take an Idempotency-Key; its retries are not deduplicated`);
      }
      credentials.set(request, credential);
    },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const credential = credentials.get(request)!;
      const ctx: OperationContext = {
        tenantId: credential.tenantId,
        timeZone: credential.timeZone,
        actor: credential.actor,
        permissions: credential.permissions,
        requestId: String(request.id),
        sourceAddress: request.ip,
        clock,
      };
      const query = (request.query ?? {}) as Record<string, unknown>;
      const input = {
        params: request.params,
        query,
        body: request.body,
        headers: request.headers,
        ...(route.kind === 'list'
          ? { page: { limit: Number(query.limit), after: decodeCursor(query.cursor as string | undefined) } }
          : {}),
      };
      const idempotencyKey = definition.idempotent ? parseIdempotencyKey(request.headers['idempotency-key']) : undefined;
      const scope: IdempotencyScope | undefined = idempotencyKey
        ? {
            tenantId: ctx.tenantId,
            credentialId: credential.credentialId,
            key: idempotencyKey,
            method: definition.method,
            path: request.url.split('?')[0]!,
            requestHash: hashRequest(definition.method, request.url.split('?')[0]!, request.body),
          }
        : undefined;

      const documentNumber = definition.documentNumber ? await nextDocumentNumber(deps.db, ctx, definition.documentNumber) : undefined;
      const documentNumbers = definition.documentNumbers ? await takeDocumentNumbers(deps.db, ctx, definition.documentNumbers, input) : undefined;
      const outcome = await deps.db.withTenant(ctx, async (tx) => {
        if (scope) {
          const stored = await claimIdempotencyKey(tx, scope);
          if (stored) return { status: stored.status, body: stored.body, headers: { 'idempotent-replayed': 'true' } };
        }
        const result = await definition.handler(tx, ctx, { ...input, documentNumber, documentNumbers } as never).catch((error: unknown) => {
          if (route.kind === 'list' && (input as { page?: PageRequest }).page?.after !== undefined && isBadKeyValue(error)) {
            throw new AppError('CURSOR_INVALID', 'the cursor was not issued by this API or is damaged');
          }
          throw error;
        });
        const reply = normalizeReply(route, result, status);
        if (scope) await storeIdempotentResponse(tx, scope, { status: reply.status, body: reply.body });
        return reply;
      });
      if (outcome.headers) reply.headers(outcome.headers);
      return reply.code(outcome.status).send(outcome.body);
    },
  });
}

async function takeDocumentNumbers(
  db: Database,
  ctx: OperationContext,
  spec: NonNullable<CommonDefinition<TSchema, TSchema, TSchema>['documentNumbers']>,
  input: { query: unknown; body: unknown },
): Promise<string[]> {
  const count = await db.withTenant(ctx, (tx) => spec.count(tx, ctx, input));
  const numbers: string[] = [];
  for (let index = 0; index < count; index++) numbers.push(await nextDocumentNumber(db, ctx, spec.series));
  return numbers;
}

function normalizeReply(route: RouteSpec, result: unknown, status: number): { status: number; body: unknown; headers?: Record<string, string> } {
  if (route.kind === 'list') {
    const page = result as Page<unknown>;
    return { status, body: jsonSafe({ data: page.items, nextCursor: page.nextCursor }) };
  }
  if (result && typeof result === 'object' && 'body' in result && Object.keys(result).every((key) => ['status', 'body', 'headers'].includes(key))) {
    const explicit = result as RouteReply<unknown>;
    return { status: explicit.status ?? status, body: jsonSafe(explicit.body), ...(explicit.headers ? { headers: explicit.headers } : {}) };
  }
  return { status, body: jsonSafe(result) };
}

/** Dates become ISO strings exactly as a replay from the idempotency store would give them. */
function jsonSafe(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
