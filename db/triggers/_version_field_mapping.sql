-- fieldmap._version_field_mapping() -- BEFORE INSERT OR UPDATE on field_mappings
-- The hot path of the registry, so one trigger does both jobs of an update:
--   stamps: version, created_*, updated_* belong to the database; whatever
--     the client sends is replaced. An UPDATE that changes nothing else keeps
--     the old stamps: no new version, no audit row.
--   audit: one mapping_audit_log row per changed column (action deprecated /
--     validated when status / validation_status moves there, else updated,
--     or the fieldmap._audit_action override: restored), with
--     confidence_delta, and actor, reason, trace id, client address and
--     application_name from the context.
-- Columns are compared one by one rather than through to_jsonb(): on a
-- single-row UPDATE that is the difference between keeping ~60% and ~75% of
-- the unaudited throughput (bench/bench_audit.py). A new column of
-- field_mappings must be added here; test_audit's column check fails until it is.
-- Inserts and deletes are audited per statement by _audit_rows_inserted_deleted().
-- A restore of a deleted mapping re-inserts it at the version that
-- restore_mapping_version() put in fieldmap._restore_version.
-- SECURITY DEFINER: app roles cannot write the audit log themselves.
CREATE OR REPLACE FUNCTION fieldmap._version_field_mapping()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
SET extra_float_digits = 1  -- exact float text in JSON, whatever the client set
AS $$
DECLARE
  k        text[] := '{}';
  o        jsonb[] := '{}';
  n        jsonb[] := '{}';
  v_action text;
BEGIN
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
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  NEW.version := OLD.version;
  NEW.created_at := OLD.created_at;
  NEW.created_by := OLD.created_by;
  NEW.updated_at := OLD.updated_at;
  NEW.updated_by := OLD.updated_by;
  IF NEW.connection_id IS DISTINCT FROM OLD.connection_id THEN
    k := k || 'connection_id'::text; o := o || to_jsonb(OLD.connection_id); n := n || to_jsonb(NEW.connection_id);
  END IF;
  IF NEW.connector_id IS DISTINCT FROM OLD.connector_id THEN
    k := k || 'connector_id'::text; o := o || to_jsonb(OLD.connector_id); n := n || to_jsonb(NEW.connector_id);
  END IF;
  IF NEW.entity_schema_id IS DISTINCT FROM OLD.entity_schema_id THEN
    k := k || 'entity_schema_id'::text; o := o || to_jsonb(OLD.entity_schema_id); n := n || to_jsonb(NEW.entity_schema_id);
  END IF;
  IF NEW.source_table IS DISTINCT FROM OLD.source_table THEN
    k := k || 'source_table'::text; o := o || to_jsonb(OLD.source_table); n := n || to_jsonb(NEW.source_table);
  END IF;
  IF NEW.source_field IS DISTINCT FROM OLD.source_field THEN
    k := k || 'source_field'::text; o := o || to_jsonb(OLD.source_field); n := n || to_jsonb(NEW.source_field);
  END IF;
  IF NEW.source_data_type IS DISTINCT FROM OLD.source_data_type THEN
    k := k || 'source_data_type'::text; o := o || to_jsonb(OLD.source_data_type); n := n || to_jsonb(NEW.source_data_type);
  END IF;
  IF NEW.canonical_entity IS DISTINCT FROM OLD.canonical_entity THEN
    k := k || 'canonical_entity'::text; o := o || to_jsonb(OLD.canonical_entity); n := n || to_jsonb(NEW.canonical_entity);
  END IF;
  IF NEW.canonical_field IS DISTINCT FROM OLD.canonical_field THEN
    k := k || 'canonical_field'::text; o := o || to_jsonb(OLD.canonical_field); n := n || to_jsonb(NEW.canonical_field);
  END IF;
  IF NEW.canonical_data_type IS DISTINCT FROM OLD.canonical_data_type THEN
    k := k || 'canonical_data_type'::text; o := o || to_jsonb(OLD.canonical_data_type); n := n || to_jsonb(NEW.canonical_data_type);
  END IF;
  IF NEW.mapping_type IS DISTINCT FROM OLD.mapping_type THEN
    k := k || 'mapping_type'::text; o := o || to_jsonb(OLD.mapping_type); n := n || to_jsonb(NEW.mapping_type);
  END IF;
  IF NEW.transformation_rule IS DISTINCT FROM OLD.transformation_rule THEN
    k := k || 'transformation_rule'::text; o := o || to_jsonb(OLD.transformation_rule); n := n || to_jsonb(NEW.transformation_rule);
  END IF;
  IF NEW.coercion_function IS DISTINCT FROM OLD.coercion_function THEN
    k := k || 'coercion_function'::text; o := o || to_jsonb(OLD.coercion_function); n := n || to_jsonb(NEW.coercion_function);
  END IF;
  IF NEW.confidence_score IS DISTINCT FROM OLD.confidence_score THEN
    k := k || 'confidence_score'::text; o := o || to_jsonb(OLD.confidence_score); n := n || to_jsonb(NEW.confidence_score);
  END IF;
  IF NEW.validation_status IS DISTINCT FROM OLD.validation_status THEN
    k := k || 'validation_status'::text; o := o || to_jsonb(OLD.validation_status); n := n || to_jsonb(NEW.validation_status);
  END IF;
  IF NEW.success_rate IS DISTINCT FROM OLD.success_rate THEN
    k := k || 'success_rate'::text; o := o || to_jsonb(OLD.success_rate); n := n || to_jsonb(NEW.success_rate);
  END IF;
  IF NEW.avg_processing_time_ms IS DISTINCT FROM OLD.avg_processing_time_ms THEN
    k := k || 'avg_processing_time_ms'::text; o := o || to_jsonb(OLD.avg_processing_time_ms); n := n || to_jsonb(NEW.avg_processing_time_ms);
  END IF;
  IF NEW.error_count IS DISTINCT FROM OLD.error_count THEN
    k := k || 'error_count'::text; o := o || to_jsonb(OLD.error_count); n := n || to_jsonb(NEW.error_count);
  END IF;
  IF NEW.last_validated_at IS DISTINCT FROM OLD.last_validated_at THEN
    k := k || 'last_validated_at'::text; o := o || to_jsonb(OLD.last_validated_at); n := n || to_jsonb(NEW.last_validated_at);
  END IF;
  IF NEW.mapping_source IS DISTINCT FROM OLD.mapping_source THEN
    k := k || 'mapping_source'::text; o := o || to_jsonb(OLD.mapping_source); n := n || to_jsonb(NEW.mapping_source);
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    k := k || 'status'::text; o := o || to_jsonb(OLD.status); n := n || to_jsonb(NEW.status);
  END IF;
  IF NEW.notes IS DISTINCT FROM OLD.notes THEN
    k := k || 'notes'::text; o := o || to_jsonb(OLD.notes); n := n || to_jsonb(NEW.notes);
  END IF;
  IF cardinality(k) = 0 THEN
    RETURN NEW;  -- no-op update: no new version, nothing audited
  END IF;

  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  NEW.updated_by := nullif(current_setting('fieldmap.actor_id', true), '')::uuid;
  v_action := nullif(current_setting('fieldmap._audit_action', true), '');
  IF cardinality(k) = 1 THEN
    -- the common case, one column: a VALUES insert plans and runs cheaper than unnest()
    INSERT INTO fieldmap.mapping_audit_log
      (tenant_id, object_type, object_id, object_version, field_mapping_id, action, field_changed,
       old_value, new_value, confidence_delta, changed_by, change_reason, trace_id, ip_address, user_agent)
    VALUES (NEW.tenant_id, 'field_mapping', NEW.id, NEW.version, NEW.id,
            coalesce(v_action,
                     CASE WHEN k[1] = 'status' AND NEW.status = 'deprecated' THEN 'deprecated'
                          WHEN k[1] = 'validation_status' AND NEW.validation_status IN ('validated', 'failed') THEN 'validated'
                          ELSE 'updated' END),
            k[1], o[1], n[1],
            CASE WHEN k[1] = 'confidence_score' THEN NEW.confidence_score - OLD.confidence_score END,
            NEW.updated_by, nullif(current_setting('fieldmap.change_reason', true), ''),
            nullif(current_setting('fieldmap.trace_id', true), ''),
            inet_client_addr(), nullif(current_setting('application_name', true), ''));
    RETURN NEW;
  END IF;
  INSERT INTO fieldmap.mapping_audit_log
    (tenant_id, object_type, object_id, object_version, field_mapping_id, action, field_changed,
     old_value, new_value, confidence_delta, changed_by, change_reason, trace_id, ip_address, user_agent)
  SELECT NEW.tenant_id, 'field_mapping', NEW.id, NEW.version, NEW.id,
         coalesce(v_action,
                  CASE WHEN c.key = 'status' AND NEW.status = 'deprecated' THEN 'deprecated'
                       WHEN c.key = 'validation_status' AND NEW.validation_status IN ('validated', 'failed') THEN 'validated'
                       ELSE 'updated' END),
         c.key, c.old_value, c.new_value,
         CASE WHEN c.key = 'confidence_score' THEN NEW.confidence_score - OLD.confidence_score END,
         NEW.updated_by, nullif(current_setting('fieldmap.change_reason', true), ''),
         nullif(current_setting('fieldmap.trace_id', true), ''),
         inet_client_addr(), nullif(current_setting('application_name', true), '')
    FROM unnest(k, o, n) AS c(key, old_value, new_value);
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fieldmap._version_field_mapping() IS
  'Internal trigger: sets version and created/updated stamps of field_mappings and audits each changed column of an update; a no-op update keeps the stamps and writes nothing.';
