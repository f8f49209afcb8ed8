import { Type } from '@sinclair/typebox';

/** The application/problem+json body (RFC 9457) every error response carries. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable, machine-readable error code' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', title: 'Problem' },
);

/** Response entries for the error statuses every route may answer with. */
export const problemResponses = {
  '4xx': { $ref: 'Problem#', description: 'Client error (application/problem+json)' },
  '5xx': { $ref: 'Problem#', description: 'Server error (application/problem+json)' },
} as const;
