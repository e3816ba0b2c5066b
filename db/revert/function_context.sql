-- Revert fieldmap:function_context from pg
BEGIN;
DROP FUNCTION fieldmap.set_context(text, uuid, text, text, boolean);
DROP FUNCTION fieldmap._resolve_tenant(text);
DROP FUNCTION fieldmap.current_tenant_id();
DROP FUNCTION fieldmap._may_act_for(uuid);
COMMIT;
