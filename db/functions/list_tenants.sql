-- fieldmap.list_tenants() -> (slug, name, status, id, connectors, mappings)
-- The tenants the request's role may act for; every tenant, with counts of
-- connectors and active mappings, when it holds the owner's rights. An app
-- role needs no tenant in context to see which tenants it may choose.
-- SECURITY DEFINER: tenant_members, and the counts across tenants (the
-- owner's all-tenants mode, honoured only for an owner request), are the
-- owner's to read.
CREATE OR REPLACE FUNCTION fieldmap.list_tenants()
RETURNS TABLE (slug text, name text, status text, id uuid, connectors bigint, mappings bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_saved text := current_setting('fieldmap._all_tenants', true);
BEGIN
  IF NOT fieldmap._request_is_owner() THEN
    RETURN QUERY
      SELECT t.slug::text, t.name::text, t.status::text, t.id, NULL::bigint, NULL::bigint
        FROM fieldmap.tenants t
       WHERE fieldmap._may_act_for(t.id)
       ORDER BY t.slug;
    RETURN;
  END IF;
  PERFORM set_config('fieldmap._all_tenants', 'on', true);
  RETURN QUERY
    SELECT t.slug::text, t.name::text, t.status::text, t.id,
           (SELECT count(*) FROM fieldmap.connector_definitions c WHERE c.tenant_id = t.id),
           (SELECT count(*) FROM fieldmap.field_mappings f WHERE f.tenant_id = t.id AND f.status = 'active')
      FROM fieldmap.tenants t
     ORDER BY t.slug;
  PERFORM set_config('fieldmap._all_tenants', coalesce(v_saved, ''), true);
END
$$;

COMMENT ON FUNCTION fieldmap.list_tenants() IS
  'The tenants the request''s role may act for (no tenant in context needed); for the owner every tenant with its counts of connectors and active mappings.';
