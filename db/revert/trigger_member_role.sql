-- Revert fieldmap:trigger_member_role from pg
BEGIN;
DROP TRIGGER _10_check_role ON fieldmap.tenant_members;
DROP FUNCTION fieldmap._check_member_role();
COMMIT;
