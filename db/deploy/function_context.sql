-- Deploy fieldmap:function_context to pg
-- requires: table_tenant_members
-- requires: table_users
-- requires: function_closest_name@v0.1.0
-- Reworked after v0.1.0: _may_act_for looks a member's role up with
-- to_regrole, so a membership whose role was dropped grants nothing instead
-- of raising for every non-owner; and _resolve_tenant gives a misspelt
-- tenant a did-you-mean among the tenants the role may act for (hence
-- function_closest_name). The other bodies are included again as
-- they stand (CREATE OR REPLACE), so that each lives in this one script.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/_as_uuid.sql
\ir ../functions/_request_role.sql
\ir ../functions/_all_tenants_mode.sql
\ir ../functions/_may_act_for.sql
\ir ../functions/current_tenant_id.sql
\ir ../functions/_resolve_tenant.sql
\ir ../functions/set_context.sql

REVOKE ALL ON FUNCTION fieldmap._as_uuid(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._request_role() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._request_is_owner() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._all_tenants_mode() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._may_act_for(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.current_tenant_id() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._resolve_tenant(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.set_context(text, uuid, text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.current_tenant_id() TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.set_context(text, uuid, text, text, boolean)
  TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
