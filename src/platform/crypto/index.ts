/**
 * Per-tenant field encryption (DESIGN §5). At start-up, configureKeyring(loadKeyring(config))
 * installs the process keyring (src/cli/runtime.ts does this); services then call
 * sealField(tx, ctx, plaintext, purpose) and openField(tx, ctx, sealed, purpose).
 */
export { sealField, openField, isSealedField } from './fields.service.ts';
export { configureKeyring, configuredKeyring } from './data-keys.service.ts';
export { loadKeyring, envKeyring, fileKeyring, masterKeyId, generateMasterKey, addMasterKeyToFile, KEY_FILE_NAME } from './keyring.ts';
export type { Keyring, MasterKey } from './keyring.ts';
export { rotateMasterKey } from './rotation.service.ts';
export type { RotationOptions, RotationResult } from './rotation.service.ts';
