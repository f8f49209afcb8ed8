/** The reporting module's only door: read-only views across modules (the books' identities). */
export { verifyBooks, formatBooksVerification, VERIFY_PROBLEMS_LISTED_MAX } from './verify-books.service.ts';
export type { BooksIdentity, BooksVerification } from './verify-books.service.ts';
export { reportingSchemas, BooksVerificationSchema } from './reporting.schemas.ts';
export { booksRoutes } from './books.routes.ts';
