-- fieldmap._version_field_mapping() -- BEFORE INSERT OR UPDATE, FOR EACH ROW,
-- on field_mappings.
-- version, created_* and updated_* belong to the database: whatever the
-- client sends is replaced. An UPDATE that changes nothing else keeps the old
-- stamps: no new version (and _audit_mappings_updated writes nothing for it).
-- The observations of the latest validation (success_rate, error_count,
-- last_validated_at, avg_processing_time_ms) are not part of a mapping's
-- definition: changing only them makes no new version and no audit rows
-- (their history is mapping_validation_results); validation_status is, and
-- its change is versioned and audited (action validated).
-- The mapping type follows the transform (direct <-> transformed), and a
-- change of what validation tested sends its verdict back to pending.
-- A restore of a deleted mapping re-inserts it at the version that
-- restore_mapping_version() put in fieldmap._restore_version.
-- The audit of these writes is set-based, per statement:
-- _audit_rows_inserted_deleted and _audit_mappings_updated.
-- SECURITY INVOKER: it writes nothing but the row itself, and per row a
-- definer call costs a user switch; search_path is pinned all the same.
CREATE OR REPLACE FUNCTION fieldmap._version_field_mapping()
RETURNS trigger
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_definition fieldmap.field_mappings;
BEGIN
  -- the mapping type follows the transform, whoever wrote the row
  IF NEW.mapping_type = 'direct' AND (NEW.transformation_rule IS NOT NULL OR NEW.coercion_function IS NOT NULL) THEN
    NEW.mapping_type := 'transformed';
  ELSIF NEW.mapping_type = 'transformed' AND NEW.transformation_rule IS NULL AND NEW.coercion_function IS NULL THEN
    NEW.mapping_type := 'direct';
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.version := coalesce(nullif(current_setting('fieldmap._restore_version', true), '')::integer, 1);
    NEW.created_at := now();
    NEW.created_by := nullif(current_setting('fieldmap.actor_id', true), '')::uuid;
    NEW.updated_at := NEW.created_at;
    NEW.updated_by := NEW.created_by;
    RETURN NEW;
  END IF;

  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
    RAISE EXCEPTION 'a mapping''s id and tenant_id cannot change (mapping %)', OLD.id
      USING ERRCODE = 'MR001';
  END IF;
  NEW.version := OLD.version;
  NEW.created_at := OLD.created_at;
  NEW.created_by := OLD.created_by;
  NEW.updated_at := OLD.updated_at;
  NEW.updated_by := OLD.updated_by;
  -- whole-row comparison with the stamps (and the observations) put back: NULLs compare equal
  v_definition := NEW;
  v_definition.success_rate := OLD.success_rate;
  v_definition.error_count := OLD.error_count;
  v_definition.last_validated_at := OLD.last_validated_at;
  v_definition.avg_processing_time_ms := OLD.avg_processing_time_ms;
  IF v_definition IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;  -- no-op update, or observations only: no new version
  END IF;
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  NEW.updated_by := nullif(current_setting('fieldmap.actor_id', true), '')::uuid;
  -- a verdict is about what was validated: when that changes (and this
  -- update does not set a verdict itself, as validation and restore do),
  -- the mapping waits for its next validation
  IF NEW.validation_status = OLD.validation_status AND OLD.validation_status <> 'pending'
     AND (NEW.source_table, NEW.source_field, NEW.source_data_type, NEW.canonical_entity, NEW.canonical_field,
          NEW.entity_schema_id, NEW.transformation_rule, NEW.coercion_function)
         IS DISTINCT FROM (OLD.source_table, OLD.source_field, OLD.source_data_type, OLD.canonical_entity,
                           OLD.canonical_field, OLD.entity_schema_id, OLD.transformation_rule, OLD.coercion_function)
  THEN
    NEW.validation_status := 'pending';
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fieldmap._version_field_mapping() IS
  'Internal trigger: sets version and created/updated stamps of field_mappings; a no-op update keeps them.';
