-- Revert fieldmap:table_mapping_audit_log from pg
BEGIN;
DROP TABLE fieldmap.mapping_audit_log;
COMMIT;
