-- fieldmap.current_tenant_id() -> uuid
-- The session's tenant, from the setting fieldmap.tenant_id (made by
-- set_context). Fails closed: no tenant, a malformed one, or one the
-- request's role (fieldmap._request_role()) may not act for is an error,
-- never "all tenants". Row-level security
-- policies call it once per statement, as (SELECT fieldmap.current_tenant_id()).
-- One exception: owner-run maintenance that must read every tenant (the
-- lineage grid refresh) sets fieldmap._all_tenants; when the request's role
-- holds fieldmap_owner's privileges this returns NULL (no tenant matches) and
-- the all_tenants policies admit the rows for reading.
CREATE OR REPLACE FUNCTION fieldmap.current_tenant_id()
RETURNS uuid
LANGUAGE plpgsql
STABLE PARALLEL SAFE  -- lets verification and reports under RLS run in parallel
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_setting text := current_setting('fieldmap.tenant_id', true);
  v_tenant  uuid;
BEGIN
  IF v_setting IS NULL OR v_setting = '' THEN
    IF fieldmap._all_tenants_mode() THEN
      RETURN NULL;
    END IF;
    RAISE EXCEPTION 'no tenant in context'
      USING ERRCODE = 'MR003',
            HINT = 'call fieldmap.set_context(''<tenant slug or id>'') in this transaction first';
  END IF;
  v_tenant := fieldmap._as_uuid(v_setting);
  IF v_tenant IS NULL THEN
    RAISE EXCEPTION 'fieldmap.tenant_id is not a tenant id: %', v_setting
      USING ERRCODE = 'MR003', HINT = 'use fieldmap.set_context(), not SET';
  END IF;
  IF NOT fieldmap._may_act_for(v_tenant) THEN
    RAISE EXCEPTION 'role % may not act for tenant %', fieldmap._request_role(), v_tenant
      USING ERRCODE = 'MR003';
  END IF;
  RETURN v_tenant;
END
$$;

COMMENT ON FUNCTION fieldmap.current_tenant_id() IS
  'The session''s tenant (set by fieldmap.set_context). Raises when none is set or the request''s role may not act for it: tenant isolation fails closed.';
