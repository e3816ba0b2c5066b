-- fieldmap.mapping_history(mapping_id uuid)
--   -> (version, action, changed_at, changed_by, change_reason, trace_id, fields_changed, mapping, seq)
-- Every version of a mapping of the session's tenant, rebuilt from the
-- audit log (the log is the history: it is hash-chained, and it outlives
-- the mapping). A created or re-inserted version carries the whole row; an
-- update carries the changed columns, folded onto the previous version
-- together with the stamps the database set (version, updated_at,
-- updated_by); a deletion yields a NULL mapping.
CREATE OR REPLACE FUNCTION fieldmap.mapping_history(mapping_id uuid)
RETURNS TABLE (version integer, action text, changed_at timestamptz, changed_by uuid, change_reason text,
               trace_id text, fields_changed text[], mapping jsonb, seq bigint)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant uuid := fieldmap.current_tenant_id();
  v_row    record;
  v_state  jsonb;
  v_open   boolean := false;  -- a per-column group is being collected
BEGIN
  FOR v_row IN
    SELECT a.* FROM fieldmap.audit_log a
     WHERE a.tenant_id = v_tenant AND a.object_id = mapping_id AND a.object_type = 'field_mapping'
     ORDER BY a.seq
  LOOP
    -- a per-column group ends where the version changes or a whole-row entry comes
    IF v_open AND (v_row.field_changed IS NULL OR v_row.object_version IS DISTINCT FROM version) THEN
      mapping := v_state;
      RETURN NEXT;
      v_open := false;
    END IF;

    IF v_row.field_changed IS NULL OR NOT v_open THEN
      -- a new version begins: its who, when and why come from its first audit row
      version := v_row.object_version;
      action := v_row.action;
      changed_at := v_row.created_at;
      changed_by := v_row.changed_by;
      change_reason := v_row.change_reason;
      trace_id := v_row.trace_id;
      seq := v_row.seq;
    END IF;

    IF v_row.field_changed IS NULL THEN
      fields_changed := NULL;
      v_state := CASE WHEN v_row.action = 'deleted' THEN NULL ELSE v_row.new_value END;
      mapping := v_state;
      RETURN NEXT;
    ELSE
      IF NOT v_open THEN
        fields_changed := '{}';
        v_state := v_state || jsonb_build_object('version', v_row.object_version,
                                                 'updated_at', v_row.created_at,
                                                 'updated_by', v_row.changed_by);
        v_open := true;
      END IF;
      IF v_row.action IN ('deprecated', 'validated') AND action = 'updated' THEN
        action := v_row.action;
      END IF;
      fields_changed := fields_changed || v_row.field_changed::text;
      v_state := v_state || jsonb_build_object(v_row.field_changed, v_row.new_value);
    END IF;
  END LOOP;
  IF v_open THEN
    mapping := v_state;
    RETURN NEXT;
  END IF;
END
$$;

COMMENT ON FUNCTION fieldmap.mapping_history(uuid) IS
  'Every version of a mapping (session''s tenant), oldest first: version, action, when, who, why, trace id, the columns changed and the whole mapping as JSON (NULL once deleted). Works after the mapping was deleted.';
