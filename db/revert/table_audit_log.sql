-- Revert fieldmap:table_audit_log from pg
BEGIN;
DROP TABLE fieldmap.audit_log;
DROP DOMAIN fieldmap.audit_action;
DROP DOMAIN fieldmap.audit_object_type;
COMMIT;
