-- fieldmap._all_tenants_mode() -> boolean
-- Owner maintenance that must read every tenant (the lineage grid refresh)
-- declares it with the setting fieldmap._all_tenants = on. The setting is
-- honoured only when the request's role holds fieldmap_owner's privileges:
-- any client can set it, so an app role that sets it and then calls a
-- SECURITY DEFINER function (running as the owner) still sees one tenant.
-- Inlinable like _request_role (no SET clause; every name qualified).
CREATE OR REPLACE FUNCTION fieldmap._all_tenants_mode()
RETURNS boolean
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
  SELECT coalesce(pg_catalog.current_setting('fieldmap._all_tenants', true) OPERATOR(pg_catalog.=) 'on', false)
         AND fieldmap._request_is_owner()
$$;

COMMENT ON FUNCTION fieldmap._all_tenants_mode() IS
  'Internal: is this an owner''s all-tenants maintenance statement (fieldmap._all_tenants = on, request role holding fieldmap_owner''s privileges)?';
