-- Revert fieldmap:trigger_audit_append_only from pg
BEGIN;
DROP TRIGGER _00_append_only_truncate ON fieldmap.audit_chain;
DROP TRIGGER _00_append_only ON fieldmap.audit_chain;
DROP TRIGGER _00_append_only_truncate ON fieldmap.audit_log;
DROP TRIGGER _00_append_only ON fieldmap.audit_log;
DROP FUNCTION fieldmap._audit_append_only();
COMMIT;
