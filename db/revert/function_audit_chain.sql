-- Revert fieldmap:function_audit_chain from pg
BEGIN;
DROP FUNCTION fieldmap.verify_audit_chain(text, boolean);
DROP FUNCTION fieldmap._audit_first_bad_row(uuid, bigint);
DROP FUNCTION fieldmap.seal_audit_chain(text);
DROP FUNCTION fieldmap._seal_tenant_chain(uuid);
DROP FUNCTION fieldmap._audit_row_hash(fieldmap.audit_log, bytea);
DROP FUNCTION fieldmap._audit_personal_digest(fieldmap.audit_log);
DROP FUNCTION fieldmap._audit_genesis(uuid);
COMMIT;
