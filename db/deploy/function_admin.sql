-- Deploy fieldmap:function_admin to pg
-- requires: function_context
-- Owner administration: tenants and their users are created explicitly (an
-- import never creates a tenant), by the owner, not by app roles.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/create_tenant.sql
\ir ../functions/create_user.sql

REVOKE ALL ON FUNCTION fieldmap.create_tenant(text, text, jsonb, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.create_user(text, text, boolean) FROM PUBLIC;

COMMIT;
