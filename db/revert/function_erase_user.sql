-- Revert fieldmap:function_erase_user from pg
BEGIN;
DROP FUNCTION fieldmap.erase_user(uuid);
DROP FUNCTION fieldmap._erase_user_values(jsonb);
COMMIT;
