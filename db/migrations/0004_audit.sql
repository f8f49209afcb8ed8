-- Audit: the application role may only insert into (and read) the append-only tables.
--
-- 0001 grants select/insert/update/delete on every table to qm_app by default privileges, and
-- the catalog rule is that tables whose comment starts with 'append-only' keep no UPDATE or
-- DELETE grant. The triggers in 0002 refuse those statements for everyone, superusers included;
-- revoking the grants as well means a trigger dropped by mistake still leaves the application
-- unable to rewrite history, and a refused statement fails on privileges before any row is read.
revoke update, delete, truncate on audit_log, audit_seals, outbox_events from qm_app;

-- row_hash is always computed by the insert trigger; the default only tells writers
-- (and the generated query types) that they need not supply it.
alter table audit_log alter column row_hash set default '\x'::bytea;
