-- fieldmap._resolve_tenant(tenant text) -> uuid
-- A tenant given by id or slug, checked to exist and to be one the request's
-- role may act for; otherwise a clear error. Only a request with the owner's
-- rights is told that a tenant does not exist: to anyone else an unknown
-- tenant and another's tenant look the same, so names cannot be probed.
CREATE OR REPLACE FUNCTION fieldmap._resolve_tenant(tenant text)
RETURNS uuid
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant uuid;
  v_guess  text;
BEGIN
  IF coalesce(btrim(tenant), '') = '' THEN  -- said as what it is, not as an unknown tenant named "NULL"
    RAISE EXCEPTION 'no tenant given: name one by slug or id' USING ERRCODE = 'MR001';
  END IF;
  IF fieldmap._as_uuid(tenant) IS NOT NULL THEN
    SELECT t.id INTO v_tenant FROM fieldmap.tenants t WHERE t.id = fieldmap._as_uuid(tenant);
  ELSE
    SELECT t.id INTO v_tenant FROM fieldmap.tenants t WHERE t.slug = tenant;
  END IF;
  IF v_tenant IS NULL OR NOT fieldmap._may_act_for(v_tenant) THEN
    v_guess := ' (did you mean "'
               || fieldmap.closest_name(tenant, ARRAY(SELECT t.slug::text FROM fieldmap.tenants t
                                                       WHERE fieldmap._may_act_for(t.id)))
               || '"?)';
  END IF;
  IF v_tenant IS NULL AND fieldmap._request_is_owner() THEN  -- only the owner learns which tenants exist
    RAISE EXCEPTION 'unknown tenant "%"%', coalesce(tenant, 'NULL'), coalesce(v_guess, '') USING ERRCODE = 'MR002';
  END IF;
  IF v_tenant IS NULL OR NOT fieldmap._may_act_for(v_tenant) THEN
    RAISE EXCEPTION 'role % may not act for tenant "%"%', fieldmap._request_role(), tenant, coalesce(v_guess, '')
      USING ERRCODE = 'MR003', HINT = 'its roles are listed in fieldmap.tenant_members (or there is no such tenant)';
  END IF;
  RETURN v_tenant;
END
$$;

COMMENT ON FUNCTION fieldmap._resolve_tenant(text) IS
  'Internal: tenant id from an id or slug; raises for an unknown tenant or one the request''s role may not act for.';
