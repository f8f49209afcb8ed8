import type { FastifyInstance } from 'fastify';

/**
 * The demo's HTTP client: every call goes through the public REST API of an app built in
 * process (`app.inject`, no socket), authenticated by an API key created for the run. So the
 * demo proves that the whole flow is reachable through the API an integration would use —
 * the same routes, validation, permissions, idempotency and problem codes — not only
 * through the module services behind it.
 */

/** A refusal by the API, with its stable problem code (never expected in a good run). */
export class DemoApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`${method} ${url} → ${status} ${code}: ${detail}`);
    this.name = 'DemoApiError';
  }
}

export type Query = Record<string, string | number | undefined>;

export interface DemoApi {
  get<T>(path: string, query?: Query): Promise<T>;
  /** Every page of a list route (keyset pages of the largest size). */
  list<T>(path: string, query?: Query): Promise<T[]>;
  /** `idempotent` sends an Idempotency-Key (only routes that take one accept it). */
  post<T>(path: string, body?: unknown, options?: { idempotent?: boolean }): Promise<T>;
  /** A replace (PUT is idempotent by its nature: no Idempotency-Key). */
  put<T>(path: string, body: unknown): Promise<T>;
}

/** Pages fetched per list before the demo gives up: a bound, not an expectation. */
const DEMO_LIST_PAGES_MAX = 50;
const DEMO_PAGE_SIZE = 200;

export function demoApi(app: FastifyInstance, secret: string, runId: string): DemoApi {
  let requestCount = 0;
  const headers = { authorization: `Bearer ${secret}` };

  const send = async <T>(method: 'GET' | 'POST' | 'PUT', path: string, query: Query | undefined, body: unknown, idempotent: boolean): Promise<T> => {
    requestCount += 1;
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(key, String(value));
    const url = search.size > 0 ? `${path}?${search}` : path;
    const response = await app.inject({
      method,
      url,
      headers: {
        ...headers,
        ...(idempotent ? { 'idempotency-key': `qm-demo-${runId}-${requestCount}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    const parsed = response.body.length > 0 ? (JSON.parse(response.body) as unknown) : null;
    if (response.statusCode >= 300) {
      const problem = (parsed ?? {}) as { code?: string; detail?: string; title?: string };
      throw new DemoApiError(method, url, response.statusCode, problem.code ?? 'UNKNOWN', problem.detail ?? problem.title ?? response.body);
    }
    return parsed as T;
  };

  return {
    get: (path, query) => send('GET', path, query, undefined, false),
    post: (path, body, options) => send('POST', path, undefined, body ?? {}, options?.idempotent ?? false),
    put: (path, body) => send('PUT', path, undefined, body, false),
    list: async <T>(path: string, query: Query = {}) => {
      const rows: T[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < DEMO_LIST_PAGES_MAX; page++) {
        const result = await send<{ data: T[]; nextCursor: string | null }>('GET', path, { ...query, limit: DEMO_PAGE_SIZE, cursor }, undefined, false);
        rows.push(...result.data);
        if (!result.nextCursor) return rows;
        cursor = result.nextCursor;
      }
      throw new Error(`invariant failed: ${path} has more than ${DEMO_LIST_PAGES_MAX} pages`);
    },
  };
}
