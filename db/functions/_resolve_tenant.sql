-- fieldmap._resolve_tenant(tenant text) -> uuid
-- A tenant given by id or slug, checked to exist and to be one the request's
-- role may act for; otherwise a clear error.
CREATE OR REPLACE FUNCTION fieldmap._resolve_tenant(tenant text)
RETURNS uuid
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant uuid;
BEGIN
  IF tenant ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    SELECT t.id INTO v_tenant FROM fieldmap.tenants t WHERE t.id = tenant::uuid;
  ELSE
    SELECT t.id INTO v_tenant FROM fieldmap.tenants t WHERE t.slug = tenant;
  END IF;
  IF v_tenant IS NULL THEN
    RAISE EXCEPTION 'unknown tenant "%"', coalesce(tenant, 'NULL') USING ERRCODE = 'MR002';
  END IF;
  IF NOT fieldmap._may_act_for(v_tenant) THEN
    RAISE EXCEPTION 'role % may not act for tenant "%"', fieldmap._request_role(), tenant USING ERRCODE = 'MR003';
  END IF;
  RETURN v_tenant;
END
$$;

COMMENT ON FUNCTION fieldmap._resolve_tenant(text) IS
  'Internal: tenant id from an id or slug; raises for an unknown tenant or one the request''s role may not act for.';
