/**
 * Document number series (DESIGN §2a): nextGaplessNumber(tx, ctx, 'invoice') last in the
 * business transaction; nextDocumentNumber(db, ctx, 'sales_order') before it.
 */
export { nextGaplessNumber, nextDocumentNumber, formatDocumentNumber, GAPLESS_SERIES, DOCUMENT_SERIES } from './number-series.service.ts';
export type { GaplessSeries, DocumentSeries } from './number-series.service.ts';
