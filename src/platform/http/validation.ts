import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import type { FieldError } from '../errors.ts';

/**
 * Two validators: request bodies are checked strictly (no type coercion, no
 * silently dropped unknown fields — an unknown field is an error), while path
 * and query parameters, which arrive as text, are coerced to their types.
 */
export function installValidators(app: FastifyInstance): void {
  const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  const strict = addFormats.default(new Ajv.default({ ...common, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv.default({ ...common, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema) : coercing.compile(schema),
  );
}

/** Turns ajv errors into field errors that name the field, in request terms. */
export function fieldErrorsFrom(errors: ErrorObject[], part: string): FieldError[] {
  return errors.map((error) => {
    const base = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const prefix = base ? `${part}.${base}` : part;
    if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { field: `${prefix}.${missing}`, message: 'is required' };
    }
    if (error.keyword === 'additionalProperties') {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return { field: `${prefix}.${extra}`, message: 'is not a known field' };
    }
    return { field: prefix, message: error.message ?? 'is not valid' };
  });
}
