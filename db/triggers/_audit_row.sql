-- fieldmap._audit_row() -- AFTER UPDATE, FOR EACH ROW, on the registry tables
-- other than field_mappings (connectors, entity schemas, users, tenants,
-- tenant members; mappings have their own set-based trigger,
-- _audit_mappings_updated); TG_ARGV[0] names the object type.
-- One audit row per changed column (the stamps excepted): action deprecated
-- when status moves there, else updated. The fieldmap._audit_action override
-- erased (erase_user) writes a single row without values instead.
-- Inserts and deletes are audited per statement by _audit_rows_inserted_deleted.
-- No-op updates never reach this function (the triggers' WHEN clause).
-- SECURITY DEFINER: app roles cannot write the log themselves.
CREATE OR REPLACE FUNCTION fieldmap._audit_row()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 1  -- exact float text in JSON, whatever the client set
AS $$
DECLARE
  v_old      jsonb := to_jsonb(OLD);
  v_new      jsonb := to_jsonb(NEW);
  v_type     text := TG_ARGV[0];
  v_tenant   uuid;
  v_override text := nullif(current_setting('fieldmap._audit_action', true), '');
  v_actor    uuid := nullif(current_setting('fieldmap.actor_id', true), '')::uuid;
  v_reason   text := nullif(current_setting('fieldmap.change_reason', true), '');
  v_trace    text := nullif(current_setting('fieldmap.trace_id', true), '');
  v_agent    text := nullif(current_setting('application_name', true), '');
BEGIN
  v_tenant := CASE v_type
                WHEN 'tenant' THEN (v_new->>'id')::uuid
                WHEN 'entity_schema' THEN '00000000-0000-0000-0000-000000000000'::uuid
                ELSE (v_new->>'tenant_id')::uuid
              END;

  IF v_override = 'erased' THEN
    INSERT INTO fieldmap.audit_log
      (tenant_id, object_type, object_id, action, changed_by, change_reason, trace_id, ip_address, user_agent)
    VALUES (v_tenant, v_type, (v_new->>'id')::uuid, 'erased', v_actor, v_reason, v_trace, inet_client_addr(), v_agent);
  ELSE
    INSERT INTO fieldmap.audit_log
      (tenant_id, object_type, object_id, action, field_changed, old_value, new_value,
       changed_by, change_reason, trace_id, ip_address, user_agent)
    SELECT v_tenant, v_type, (v_new->>'id')::uuid,
           coalesce(v_override, CASE WHEN n.key = 'status' AND n.value = '"deprecated"' THEN 'deprecated' ELSE 'updated' END),
           n.key, v_old->n.key, n.value,
           v_actor, v_reason, v_trace, inet_client_addr(), v_agent
      FROM jsonb_each(v_new) AS n
     WHERE n.key NOT IN ('created_at', 'created_by', 'updated_at')
       AND n.value IS DISTINCT FROM v_old->n.key;
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fieldmap._audit_row() IS
  'Internal trigger: audits an UPDATE of a registry table other than field_mappings, one audit_log row per changed column (updated, deprecated), or one erased row for erase_user; with actor, reason, trace id, client address and application_name.';
