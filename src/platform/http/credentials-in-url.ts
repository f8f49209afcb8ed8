import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/** Query parameter names that carry credentials elsewhere; here keys never travel in URLs (they end up in logs). */
const CREDENTIAL_QUERY_NAME = /^(api[_-]?key|access[_-]?token|token|key|authorization|bearer)$/i;

/** Runs before validation on every request, so the refusal is the same on every route. */
export async function refuseCredentialsInUrl(request: FastifyRequest): Promise<void> {
  if (request.url.includes('qm_live_')) {
    throw new AppError('CREDENTIAL_IN_URL', 'API keys are accepted only in the Authorization header; revoke any key that was sent in a URL');
  }
  const mark = request.url.indexOf('?');
  if (mark < 0) return;
  const search = new URLSearchParams(request.url.slice(mark + 1));
  for (const [name, value] of search) {
    if (CREDENTIAL_QUERY_NAME.test(name) || value.includes('qm_live_')) {
      throw new AppError('CREDENTIAL_IN_URL', 'API keys are accepted only in the Authorization header; revoke any key that was sent in a URL');
    }
  }
}
