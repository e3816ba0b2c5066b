-- fieldmap._audit_mappings_updated() -- AFTER UPDATE, FOR EACH STATEMENT, on
-- field_mappings, with the statement's rows as transition tables old_rows and
-- new_rows.
-- One audit_log row per changed column of each changed mapping
-- (the stamps excepted; a no-op update writes nothing), set-based in one
-- INSERT: action deprecated / validated when status / validation_status
-- moves there, else updated, or the fieldmap._audit_action override
-- (restored); confidence_delta; actor, reason, trace id, client address and
-- application_name from the context.
-- Why per statement: a per-row trigger pays a whole INSERT (executor start,
-- plan checks) for every row, so a 100,000-row UPDATE took 3.1-3.6x as long
-- as unaudited; set-based it is ~1.9x, for about four points of single-row
-- throughput (bench/bench_audit.py, README "Audit cost").
-- The observations of validations (success_rate, error_count,
-- last_validated_at, avg_processing_time_ms) are not audited: they are no
-- part of the definition (see _version_field_mapping); their history is
-- mapping_validation_results.
-- Columns are compared one by one, numbered in the order below (1..17); a new
-- column of field_mappings must be added to the three lists and the name
-- array, and test_audit's column check fails until it is.
-- Settings: the plan is made once per session, with the row counts of the
-- first call; enable_nestloop = off keeps a one-row first call from fixing a
-- nested loop over old_rows x new_rows for later 100,000-row statements
-- (hours instead of seconds), and jit = off stops the disabled-path cost from
-- triggering JIT compilation for a single row. extra_float_digits = 1: exact
-- float text in JSON whatever the client set.
-- It also marks the lineage grid stale when it wrote something (below).
-- SECURITY DEFINER: app roles cannot write the log themselves.
CREATE OR REPLACE FUNCTION fieldmap._audit_mappings_updated()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 1
SET enable_nestloop = off
SET jit = off
AS $$
DECLARE
  v_action text := nullif(current_setting('fieldmap._audit_action', true), '');
  v_reason text := nullif(current_setting('fieldmap.change_reason', true), '');
  v_trace  text := nullif(current_setting('fieldmap.trace_id', true), '');
  v_agent  text := nullif(current_setting('application_name', true), '');
BEGIN
  INSERT INTO fieldmap.audit_log
    (tenant_id, object_type, object_id, object_version, action, field_changed,
     old_value, new_value, confidence_delta, changed_by, change_reason, trace_id, ip_address, user_agent)
  SELECT n.tenant_id, 'field_mapping', n.id, n.version,
         coalesce(v_action,
                  CASE WHEN c.i = 16 AND n.status = 'deprecated' THEN 'deprecated'
                       WHEN c.i = 14 AND n.validation_status IN ('validated', 'failed') THEN 'validated'
                       ELSE 'updated' END),
         ('{connection_id,connector_id,entity_schema_id,source_table,source_field,source_data_type,canonical_entity,canonical_field,canonical_data_type,mapping_type,transformation_rule,coercion_function,confidence_score,validation_status,mapping_source,status,notes}'::text[])[c.i],
         CASE c.i
           WHEN  1 THEN to_jsonb(o.connection_id)
           WHEN  2 THEN to_jsonb(o.connector_id)
           WHEN  3 THEN to_jsonb(o.entity_schema_id)
           WHEN  4 THEN to_jsonb(o.source_table)
           WHEN  5 THEN to_jsonb(o.source_field)
           WHEN  6 THEN to_jsonb(o.source_data_type)
           WHEN  7 THEN to_jsonb(o.canonical_entity)
           WHEN  8 THEN to_jsonb(o.canonical_field)
           WHEN  9 THEN to_jsonb(o.canonical_data_type)
           WHEN 10 THEN to_jsonb(o.mapping_type)
           WHEN 11 THEN to_jsonb(o.transformation_rule)
           WHEN 12 THEN to_jsonb(o.coercion_function)
           WHEN 13 THEN to_jsonb(o.confidence_score)
           WHEN 14 THEN to_jsonb(o.validation_status)
           WHEN 15 THEN to_jsonb(o.mapping_source)
           WHEN 16 THEN to_jsonb(o.status)
           WHEN 17 THEN to_jsonb(o.notes)
         END,
         CASE c.i
           WHEN  1 THEN to_jsonb(n.connection_id)
           WHEN  2 THEN to_jsonb(n.connector_id)
           WHEN  3 THEN to_jsonb(n.entity_schema_id)
           WHEN  4 THEN to_jsonb(n.source_table)
           WHEN  5 THEN to_jsonb(n.source_field)
           WHEN  6 THEN to_jsonb(n.source_data_type)
           WHEN  7 THEN to_jsonb(n.canonical_entity)
           WHEN  8 THEN to_jsonb(n.canonical_field)
           WHEN  9 THEN to_jsonb(n.canonical_data_type)
           WHEN 10 THEN to_jsonb(n.mapping_type)
           WHEN 11 THEN to_jsonb(n.transformation_rule)
           WHEN 12 THEN to_jsonb(n.coercion_function)
           WHEN 13 THEN to_jsonb(n.confidence_score)
           WHEN 14 THEN to_jsonb(n.validation_status)
           WHEN 15 THEN to_jsonb(n.mapping_source)
           WHEN 16 THEN to_jsonb(n.status)
           WHEN 17 THEN to_jsonb(n.notes)
         END,
         CASE WHEN c.i = 13 THEN n.confidence_score - o.confidence_score END,
         n.updated_by, v_reason, v_trace, inet_client_addr(), v_agent
    FROM old_rows o
    JOIN new_rows n ON n.id = o.id
   CROSS JOIN LATERAL (VALUES
           ( 1, o.connection_id          IS DISTINCT FROM n.connection_id),
           ( 2, o.connector_id           IS DISTINCT FROM n.connector_id),
           ( 3, o.entity_schema_id       IS DISTINCT FROM n.entity_schema_id),
           ( 4, o.source_table           IS DISTINCT FROM n.source_table),
           ( 5, o.source_field           IS DISTINCT FROM n.source_field),
           ( 6, o.source_data_type       IS DISTINCT FROM n.source_data_type),
           ( 7, o.canonical_entity       IS DISTINCT FROM n.canonical_entity),
           ( 8, o.canonical_field        IS DISTINCT FROM n.canonical_field),
           ( 9, o.canonical_data_type    IS DISTINCT FROM n.canonical_data_type),
           (10, o.mapping_type           IS DISTINCT FROM n.mapping_type),
           (11, o.transformation_rule    IS DISTINCT FROM n.transformation_rule),
           (12, o.coercion_function      IS DISTINCT FROM n.coercion_function),
           (13, o.confidence_score       IS DISTINCT FROM n.confidence_score),
           (14, o.validation_status      IS DISTINCT FROM n.validation_status),
           (15, o.mapping_source         IS DISTINCT FROM n.mapping_source),
           (16, o.status                 IS DISTINCT FROM n.status),
           (17, o.notes                  IS DISTINCT FROM n.notes)
         ) AS c(i, changed)
   WHERE c.changed;
  -- Every column the lineage grid shows is audited here but the validation
  -- observations (trigger _90_mark_grid_stale watches those): a statement
  -- that wrote audit rows changed the grid, and draws its change number
  -- here, in the trigger that runs anyway. A trigger of its own cost about
  -- 1.5 points of single-row UPDATE throughput (bench_audit).
  IF FOUND THEN
    PERFORM nextval('fieldmap.grid_changes');
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fieldmap._audit_mappings_updated() IS
  'Internal statement trigger: audits every changed column of every mapping an UPDATE changed (updated, deprecated, validated, restored), set-based from the transition tables; no-op updates write nothing.';
