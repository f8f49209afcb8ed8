import { Type } from '@sinclair/typebox';
import { defineRoute, type RouteSpec } from '../../platform/http/define-route.ts';
import { BooksVerificationSchema } from './reporting.schemas.ts';
import { verifyBooks } from './verify-books.service.ts';

export const booksRoutes: RouteSpec[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/books/verify',
    summary: 'Check that the books agree with the operations',
    description:
      'The identities of `qm verify`, each with both sides: Σ stock movement values = GL inventory, Σ receivable open items = GL accounts receivable, ' +
      'Σ received − Σ GRNI cleared by posted supplier invoices = GL GRNI, Σ payable open items = GL accounts payable, ' +
      'no unbalanced journal entry, stock positions = Σ movements and reservations. ok is true when all hold.',
    tags: ['reporting'],
    permission: 'ledger:read',
    response: Type.Ref(BooksVerificationSchema),
    handler: (tx, ctx) => verifyBooks(tx, ctx),
  }),
];
