-- Deploy fieldmap:function_erase_user to pg
-- requires: function_audit_chain
-- requires: trigger_audit_append_only
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/erase_user.sql
REVOKE ALL ON FUNCTION fieldmap.erase_user(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._erase_user_values(jsonb) FROM PUBLIC;

COMMIT;
