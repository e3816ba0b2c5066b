-- Deploy fieldmap:function_admin to pg
-- requires: function_context
-- Tenants and their users: created explicitly (an import never creates a
-- tenant), by the owner, not by app roles; listed for whoever may act for them.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/create_tenant.sql
\ir ../functions/create_user.sql
\ir ../functions/list_tenants.sql

REVOKE ALL ON FUNCTION fieldmap.create_tenant(text, text, jsonb, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.create_user(text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.list_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.list_tenants() TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
