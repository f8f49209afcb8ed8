import type { IncomingMessage } from 'node:http';
import { newId } from '../ids.ts';
import { REQUEST_ID_MAX_LENGTH } from '../limits.ts';

const SAFE_REQUEST_ID = new RegExp(`^[A-Za-z0-9._:-]{1,${REQUEST_ID_MAX_LENGTH}}$`);

/** A caller's X-Request-Id is kept when it is short and plain (it lands in logs); otherwise a new id. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : newId();
}
