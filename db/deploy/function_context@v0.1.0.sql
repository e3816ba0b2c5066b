-- Deploy fieldmap:function_context to pg
-- requires: table_tenant_members
-- requires: table_users
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/_as_uuid@v0.1.0.sql
\ir ../functions/_request_role@v0.1.0.sql
\ir ../functions/_all_tenants_mode@v0.1.0.sql
\ir ../functions/_may_act_for@v0.1.0.sql
\ir ../functions/current_tenant_id@v0.1.0.sql
\ir ../functions/_resolve_tenant@v0.1.0.sql
\ir ../functions/set_context@v0.1.0.sql

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
