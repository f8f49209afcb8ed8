export { createFileStore, fileStoreFor } from './file-store.ts';
export type { FileStore } from './file-store.ts';
