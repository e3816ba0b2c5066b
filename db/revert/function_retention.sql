-- Revert fieldmap:function_retention from pg
BEGIN;
DROP FUNCTION fieldmap.purge_audit_log(integer);
COMMIT;
