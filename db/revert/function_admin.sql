-- Revert fieldmap:function_admin from pg
BEGIN;
DROP FUNCTION fieldmap.list_tenants();
DROP FUNCTION fieldmap.create_user(text, text, boolean);
DROP FUNCTION fieldmap.create_tenant(text, text, jsonb, boolean);
COMMIT;
