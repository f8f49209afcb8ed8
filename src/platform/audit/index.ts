export { audit } from './audit.service.ts';
export type { AuditEntry } from './audit.service.ts';
export { sealAuditLog, startAuditSealer } from './audit-seal.service.ts';
export type { AuditSealer, SealOptions } from './audit-seal.service.ts';
export { verifyAuditLog } from './audit-verify.service.ts';
export type { AuditVerifyResult } from './audit-verify.service.ts';
export { diffForAudit, toJsonSafe, isSensitiveFieldName, REDACTED } from './audit-changes.rules.ts';
export type { AuditChanges, FieldChange, JsonValue } from './audit-changes.rules.ts';
