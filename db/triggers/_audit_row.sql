-- fieldmap._audit_row() -- AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW,
-- on every mutable registry table; TG_ARGV[0] names the object type.
--   INSERT: one row, action created, new_value = the whole row;
--   DELETE: one row, action deleted, old_value = the whole row;
--   UPDATE: one row per changed column (the stamps excepted), action
--           deprecated / validated when status / validation_status moves
--           there, else updated; confidence_delta when confidence changes.
-- fieldmap._audit_action overrides the action (restored, erased).
-- No-op updates never reach this function (the triggers' WHEN clause).
-- SECURITY DEFINER: app roles cannot write the log themselves.
CREATE OR REPLACE FUNCTION fieldmap._audit_row()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
SET extra_float_digits = 1  -- exact float text in JSON, whatever the client set
AS $$
DECLARE
  v_old      jsonb;
  v_new      jsonb;
  v_row      jsonb;
  v_type     text := TG_ARGV[0];
  v_tenant   uuid;
  v_override text := nullif(current_setting('fieldmap._audit_action', true), '');
  v_actor    uuid := nullif(current_setting('fieldmap.actor_id', true), '')::uuid;
  v_reason   text := nullif(current_setting('fieldmap.change_reason', true), '');
  v_trace    text := nullif(current_setting('fieldmap.trace_id', true), '');
  v_agent    text := nullif(current_setting('application_name', true), '');
BEGIN
  IF TG_OP <> 'INSERT' THEN v_old := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN v_new := to_jsonb(NEW); END IF;
  v_row := coalesce(v_new, v_old);
  v_tenant := CASE v_type
                WHEN 'tenant' THEN (v_row->>'id')::uuid
                WHEN 'entity_schema' THEN '00000000-0000-0000-0000-000000000000'::uuid
                ELSE (v_row->>'tenant_id')::uuid
              END;

  IF TG_OP <> 'UPDATE' OR v_override = 'erased' THEN
    INSERT INTO fieldmap.mapping_audit_log
      (tenant_id, object_type, object_id, object_version, field_mapping_id, action,
       old_value, new_value, changed_by, change_reason, trace_id, ip_address, user_agent)
    VALUES
      (v_tenant, v_type, (v_row->>'id')::uuid, (v_row->>'version')::integer,
       CASE WHEN v_type = 'field_mapping' THEN (v_row->>'id')::uuid END,
       coalesce(v_override, CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'deleted' END),
       CASE WHEN v_override = 'erased' THEN NULL ELSE v_old END,
       CASE WHEN v_override = 'erased' THEN NULL ELSE v_new END,
       v_actor, v_reason, v_trace, inet_client_addr(), v_agent);
  ELSE
    INSERT INTO fieldmap.mapping_audit_log
      (tenant_id, object_type, object_id, object_version, field_mapping_id, action, field_changed,
       old_value, new_value, confidence_delta, changed_by, change_reason, trace_id, ip_address, user_agent)
    SELECT v_tenant, v_type, (v_row->>'id')::uuid, (v_row->>'version')::integer,
           CASE WHEN v_type = 'field_mapping' THEN (v_row->>'id')::uuid END,
           coalesce(v_override,
                    CASE WHEN n.key = 'status' AND n.value = '"deprecated"' THEN 'deprecated'
                         WHEN n.key = 'validation_status' AND n.value IN ('"validated"', '"failed"') THEN 'validated'
                         ELSE 'updated' END),
           n.key, v_old->n.key, n.value,
           CASE WHEN n.key = 'confidence_score'
                THEN (n.value #>> '{}')::float8 - (v_old->>'confidence_score')::float8 END,
           v_actor, v_reason, v_trace, inet_client_addr(), v_agent
      FROM jsonb_each(v_new) AS n
     WHERE n.key NOT IN ('version', 'created_at', 'created_by', 'updated_at', 'updated_by')
       AND n.value IS DISTINCT FROM v_old->n.key;
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fieldmap._audit_row() IS
  'Internal trigger: writes mapping_audit_log rows for INSERT (created), UPDATE (one row per changed column: updated, deprecated, validated, or the restored/erased override) and DELETE (deleted), with actor, reason, trace id, client address and application_name.';
