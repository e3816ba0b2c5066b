-- Revert fieldmap:table_mapping_audit_log from pg
BEGIN;
DROP TABLE fieldmap.mapping_audit_log;
DROP DOMAIN fieldmap.audit_action;
DROP DOMAIN fieldmap.audit_object_type;
COMMIT;
