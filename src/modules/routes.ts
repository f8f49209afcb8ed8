import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../cli/runtime.ts';

/** Every module's HTTP routes, in registration order. */
export function appModules(_runtime: Pick<Runtime, 'db' | 'config'>): Array<(app: FastifyInstance) => void | Promise<void>> {
  return [];
}
