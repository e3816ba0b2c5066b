-- Revert fieldmap:table_audit_log from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.audit_log;
DROP DOMAIN fieldmap.audit_action;
DROP DOMAIN fieldmap.audit_object_type;
COMMIT;
