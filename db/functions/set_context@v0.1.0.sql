-- fieldmap.set_context(tenant, actor, reason, trace_id, for_session) -> uuid
-- Sets who is acting for which tenant and why, for the transaction (default)
-- or the session. Audit rows and the stamps of changed rows take actor,
-- reason and trace id from here; client address and application_name come
-- from the connection itself.
CREATE OR REPLACE FUNCTION fieldmap.set_context(
    tenant      text,
    actor       uuid DEFAULT NULL,
    reason      text DEFAULT NULL,
    trace_id    text DEFAULT NULL,
    for_session boolean DEFAULT false)
RETURNS uuid
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant uuid;
  v_local  boolean := NOT coalesce(for_session, false);
BEGIN
  v_tenant := fieldmap._resolve_tenant(tenant);
  IF length(trace_id) > 255 THEN
    RAISE EXCEPTION 'trace_id is longer than 255 characters' USING ERRCODE = 'MR001';
  END IF;

  PERFORM set_config('fieldmap.tenant_id', v_tenant::text, v_local);
  IF actor IS NOT NULL AND NOT EXISTS (SELECT FROM fieldmap.users u WHERE u.tenant_id = v_tenant AND u.id = actor) THEN
    PERFORM set_config('fieldmap.tenant_id', '', v_local);
    RAISE EXCEPTION 'unknown user % for tenant "%"', actor, tenant USING ERRCODE = 'MR001';
  END IF;
  PERFORM set_config('fieldmap.actor_id', coalesce(actor::text, ''), v_local);
  PERFORM set_config('fieldmap.change_reason', coalesce(reason, ''), v_local);
  PERFORM set_config('fieldmap.trace_id', coalesce(trace_id, ''), v_local);
  RETURN v_tenant;
END
$$;

COMMENT ON FUNCTION fieldmap.set_context(text, uuid, text, text, boolean) IS
  'Sets the acting tenant (slug or id), actor (a user of that tenant), change reason and trace id for this transaction (or the session when for_session). Every audited change records them. Returns the tenant id.';
