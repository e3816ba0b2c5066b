-- fieldmap.restore_mapping_version(mapping_id uuid, version integer) -> integer
-- Makes an earlier version current again. The restore is itself a change:
-- audited with action restored, under a new version number. A deleted
-- mapping is re-inserted under its own id. Restoring what is already current
-- changes nothing and returns the current version. The observations of the
-- latest validation (success_rate, ...) are not versioned and stay as they are.
-- An active version whose target another active mapping holds now is
-- refused, naming that mapping (one active mapping a target).
-- SECURITY INVOKER: a writer's own UPDATE and INSERT privileges suffice; the
-- history comes from mapping_history, which writers may run.
CREATE OR REPLACE FUNCTION fieldmap.restore_mapping_version(mapping_id uuid, version integer)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant  uuid := fieldmap.current_tenant_id();
  v_target  jsonb;
  v_last    integer;
  v_new     integer;
  r         fieldmap.field_mappings;
  v_holder  record;
  v_constraint text;
BEGIN
  SELECT h.mapping INTO v_target FROM fieldmap.mapping_history(mapping_id) h
   WHERE h.version = restore_mapping_version.version AND h.mapping IS NOT NULL
   ORDER BY h.seq DESC LIMIT 1;
  IF v_target IS NULL THEN
    IF NOT EXISTS (SELECT FROM fieldmap.mapping_history(mapping_id)) THEN
      RAISE EXCEPTION 'no mapping % in this tenant', mapping_id USING ERRCODE = 'MR004';
    END IF;
    RAISE EXCEPTION 'mapping % has no version %', mapping_id, restore_mapping_version.version
      USING ERRCODE = 'MR004';
  END IF;
  r := jsonb_populate_record(NULL::fieldmap.field_mappings, v_target);

  PERFORM set_config('fieldmap._audit_action', 'restored', true);
  BEGIN  -- a block: the index's own error is caught, so the index stays the one statement of its rule
    UPDATE fieldmap.field_mappings f
       SET (connection_id, connector_id, entity_schema_id, source_table, source_field, source_data_type,
            canonical_entity, canonical_field, canonical_data_type, mapping_type, transformation_rule,
            coercion_function, confidence_score, validation_status, mapping_source, status, notes)
         = (r.connection_id, r.connector_id, r.entity_schema_id, r.source_table, r.source_field, r.source_data_type,
            r.canonical_entity, r.canonical_field, r.canonical_data_type, r.mapping_type, r.transformation_rule,
            r.coercion_function, r.confidence_score, r.validation_status, r.mapping_source, r.status, r.notes)
     WHERE f.tenant_id = v_tenant AND f.id = mapping_id
    RETURNING f.version INTO v_new;

    IF NOT FOUND THEN
      SELECT max(h.version) INTO v_last FROM fieldmap.mapping_history(mapping_id) h;
      PERFORM set_config('fieldmap._restore_version', (v_last + 1)::text, true);
      INSERT INTO fieldmap.field_mappings SELECT r.* RETURNING field_mappings.version INTO v_new;
      PERFORM set_config('fieldmap._restore_version', '', true);
    END IF;
  EXCEPTION WHEN unique_violation THEN
    GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
    IF v_constraint IS DISTINCT FROM 'unique_active_mapping' THEN
      RAISE;
    END IF;
    -- an active version whose target another active mapping holds now: say which, and what to do
    SELECT f.id, f.source_table || '.' || f.source_field AS source INTO v_holder
      FROM fieldmap.field_mappings f
     WHERE f.tenant_id = v_tenant AND f.canonical_entity = r.canonical_entity AND f.canonical_field = r.canonical_field
       AND f.connector_id = r.connector_id AND f.status = 'active' AND f.id <> mapping_id
     ORDER BY f.connection_id IS NOT DISTINCT FROM r.connection_id DESC LIMIT 1;
    IF NOT FOUND THEN
      RAISE;  -- the holder is not committed yet (a concurrent write): the index's own error
    END IF;
    RAISE EXCEPTION 'version % of mapping % maps to %.%, which active mapping % (from %) holds now',
      restore_mapping_version.version, mapping_id, r.canonical_entity, r.canonical_field, v_holder.id, v_holder.source
      USING ERRCODE = 'MR005',  -- conflict: the target is taken
            HINT = 'a target has one active mapping: deprecate or delete that mapping first, then restore';
  END;
  PERFORM set_config('fieldmap._audit_action', '', true);
  RETURN v_new;
END
$$;

COMMENT ON FUNCTION fieldmap.restore_mapping_version(uuid, integer) IS
  'Makes version N of a mapping current again (re-inserting it if deleted), as an audited change with action restored and a new version number. Returns the resulting version.';
