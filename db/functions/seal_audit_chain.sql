-- fieldmap.seal_audit_chain(tenant text DEFAULT NULL) -> bigint (rows sealed)
-- Seals one tenant (by slug or id), or, with no argument, the session's
-- tenant — or every tenant when no tenant is set and the request's role holds
-- fieldmap_owner's privileges (the pg_cron job). Rows are tamper-evident once
-- sealed; until then (normally under a minute) they are only append-only.
CREATE OR REPLACE FUNCTION fieldmap.seal_audit_chain(tenant text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_saved  text := current_setting('fieldmap.tenant_id', true);
  v_tenant uuid;
  v_total  bigint := 0;
BEGIN
  FOR v_tenant IN
    SELECT t.id FROM fieldmap.tenants t
     WHERE CASE
             WHEN tenant IS NOT NULL THEN t.id = fieldmap._resolve_tenant(tenant)
             WHEN coalesce(v_saved, '') <> '' THEN t.id = fieldmap.current_tenant_id()
             WHEN fieldmap._request_is_owner() THEN true
             ELSE fieldmap.current_tenant_id() IS NULL  -- raises: no tenant in context
           END
     ORDER BY t.id
  LOOP
    PERFORM set_config('fieldmap.tenant_id', v_tenant::text, true);
    v_total := v_total + fieldmap._seal_tenant_chain(v_tenant);
  END LOOP;
  PERFORM set_config('fieldmap.tenant_id', coalesce(v_saved, ''), true);
  RETURN v_total;
END
$$;

COMMENT ON FUNCTION fieldmap.seal_audit_chain(text) IS
  'Appends committed audit rows to their tenant''s hash chain (one tenant, the session''s, or all for an owner/cron). Returns the number of rows sealed.';
