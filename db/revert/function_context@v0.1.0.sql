-- Revert fieldmap:function_context from pg
BEGIN;
DROP FUNCTION fieldmap.set_context(text, uuid, text, text, boolean);
DROP FUNCTION fieldmap._resolve_tenant(text);
DROP FUNCTION fieldmap.current_tenant_id();
DROP FUNCTION fieldmap._may_act_for(uuid);
DROP FUNCTION fieldmap._all_tenants_mode();
DROP FUNCTION fieldmap._request_is_owner();
DROP FUNCTION fieldmap._request_role();
DROP FUNCTION fieldmap._as_uuid(text);
COMMIT;
