-- Validation of mappings: the seed's four checks, in SQL.
--   fieldmap._fits_type(value jsonb, registry_type text) -> boolean
--   fieldmap._range_problem(entity text, field text, registry_type text, value jsonb) -> text
--   fieldmap._validation_checks(mapping_ids uuid[], samples jsonb) -> rows
--   fieldmap.validate_mapping(mapping_id uuid, samples jsonb DEFAULT NULL) -> rows
--   fieldmap.validate_mappings(connector text DEFAULT NULL) -> rows
--   fieldmap.validate_mapping_ids(mapping_ids uuid[], samples jsonb DEFAULT NULL) -> rows
--   fieldmap.add_samples(connector text, entity text, records jsonb) -> integer
-- The checks, per mapping:
--   format_check  the canonical field exists in its entity (or is extras.*),
--                 the transform is known and its rule well-formed;
--   type_check    the source type (the last transform's output type, else
--                 source_data_type) fits the canonical type by
--                 fieldmap.type_compatibility; a map_values table's values
--                 must fit it themselves; an unknown source type is a warning;
--   live_test     the mapping's transforms applied to the sample records
--                 (given, else the connector's stored samples): no transform
--                 error, the value of the canonical type, a required field
--                 present and not null;
--   range_check   the live values within fieldmap.range_rules (bounds, ISO
--                 4217), numbers finite, datetimes in 1900-2100.
-- No samples make the live test and range check warnings, not failures.
-- Set-based: validate_mappings checks every mapping in a few statements.

-- Does a JSON value have a canonical registry type? JSON null does (the
-- required rule is the live test's).
CREATE OR REPLACE FUNCTION fieldmap._fits_type(value jsonb, registry_type text)
RETURNS boolean
LANGUAGE sql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT value IS NULL OR jsonb_typeof(value) = 'null' OR CASE registry_type
    WHEN 'string' THEN jsonb_typeof(value) = 'string'
    WHEN 'integer' THEN jsonb_typeof(value) = 'number' AND (value #>> '{}')::numeric = trunc((value #>> '{}')::numeric)
    WHEN 'number' THEN jsonb_typeof(value) = 'number'
    WHEN 'decimal' THEN jsonb_typeof(value) = 'number' OR fieldmap._tf_numeric(value) IS NOT NULL
    WHEN 'boolean' THEN jsonb_typeof(value) = 'boolean'
    WHEN 'datetime' THEN jsonb_typeof(value) = 'string' AND NOT fieldmap._tf_datetime('to_timestamp', value, NULL) ? 'error'
    WHEN 'string[]' THEN jsonb_typeof(value) = 'array'
                         AND NOT EXISTS (SELECT FROM jsonb_array_elements(value) e WHERE jsonb_typeof(e) <> 'string')
    WHEN 'object' THEN jsonb_typeof(value) = 'object'
    ELSE true  -- extras.* targets take any value
  END
$$;

CREATE OR REPLACE FUNCTION fieldmap._range_problem(entity text, field text, registry_type text, value jsonb)
RETURNS text
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r      fieldmap.range_rules;
  n      numeric;
  v_time jsonb;
BEGIN
  IF value IS NULL OR jsonb_typeof(value) = 'null' THEN
    RETURN NULL;
  END IF;
  IF registry_type = 'datetime' THEN
    v_time := fieldmap._tf_datetime('to_timestamp', value, NULL);
    IF NOT v_time ? 'error' AND left(v_time->>'value', 4)::integer NOT BETWEEN 1900 AND 2100 THEN
      RETURN format('%s is outside the years 1900-2100', value);
    END IF;
  END IF;
  IF registry_type IN ('integer', 'number', 'decimal') THEN
    n := fieldmap._tf_numeric(value);
  END IF;
  SELECT * INTO r FROM fieldmap.range_rules x WHERE x.entity_name = entity AND x.field_name = field;
  IF FOUND THEN
    IF n IS NOT NULL AND (n < r.min_value OR n > r.max_value) THEN
      RETURN format('%s is outside %s..%s', value, coalesce(r.min_value::text, ''), coalesce(r.max_value::text, ''));
    END IF;
    IF r.iso4217 AND NOT EXISTS (SELECT FROM fieldmap.currencies c WHERE c.code = value #>> '{}') THEN
      RETURN format('%s is not an ISO 4217 currency code', value);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- The four checks of each mapping: one row per mapping and check.
CREATE OR REPLACE FUNCTION fieldmap._validation_checks(mapping_ids uuid[], samples jsonb)
RETURNS TABLE (mapping_id uuid, validation_type text, validation_status text, error_message text,
               sample_input jsonb, sample_output jsonb, test_count integer, pass_count integer, fail_count integer)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH m AS (
    SELECT f.id, f.tenant_id, f.connector_id, f.canonical_entity::text AS entity, f.canonical_field::text AS field,
           f.source_field::text AS source, lower(f.source_data_type) AS source_type,
           f.transformation_rule AS rule, f.coercion_function AS coercion,
           CASE WHEN f.canonical_field LIKE 'extras.%' THEN 'any'
                ELSE s.schema_definition->'properties'->f.canonical_field->>'x-fieldmap-type' END AS canonical_type,
           coalesce(s.schema_definition->'required', '[]') ? f.canonical_field AS required,
           fieldmap.transform_rule_problem(f.transformation_rule, f.coercion_function) AS rule_problem,
           coalesce(tc.output_type, tr.output_type) AS transform_type
      FROM fieldmap.field_mappings f
      JOIN fieldmap.entity_schemas s ON s.id = f.entity_schema_id
      LEFT JOIN fieldmap.transforms tr ON tr.name = f.transformation_rule->>'transform'
      LEFT JOIN fieldmap.transforms tc ON tc.name = f.coercion_function
     WHERE f.tenant_id = (SELECT fieldmap.current_tenant_id()) AND f.id IN (SELECT unnest(mapping_ids))  -- a hash, not a scan of the array per row
  ), sample AS (  -- the given samples, else the connector's stored ones
    SELECT m.id, x.rec, x.n
      FROM m CROSS JOIN LATERAL (
             SELECT e.rec, e.n FROM jsonb_array_elements(samples) WITH ORDINALITY AS e(rec, n) WHERE samples IS NOT NULL
             UNION ALL
             SELECT c.record, row_number() OVER (ORDER BY c.created_at, c.id)
               FROM fieldmap.connector_samples c
              WHERE samples IS NULL AND c.tenant_id = m.tenant_id AND c.connector_id = m.connector_id
                AND c.entity = m.entity) x
  ), live AS MATERIALIZED (  -- each transform once per value, not once per reference to its output
    SELECT s.id, s.n, v.input, v.input IS NOT NULL AS present,  -- a JSON null is present; a missing key is SQL NULL
           CASE WHEN v.input IS NOT NULL THEN fieldmap._map_value(v.input, m.rule, m.coercion) END AS output
      FROM sample s JOIN m ON m.id = s.id
     CROSS JOIN LATERAL (SELECT fieldmap._source_value(s.rec, m.source) AS input OFFSET 0) v  -- the record read once
  ), judged AS MATERIALIZED (  -- the range check once per value, though agg reads it twice
    SELECT l.*, m.required,
           CASE WHEN NOT l.present THEN
                  CASE WHEN m.required THEN format('record %s lacks %s (the required %s)', l.n, m.source, m.field) END
                WHEN l.output ? 'error' THEN format('record %s: %s', l.n, l.output->>'error')
                WHEN m.required AND jsonb_typeof(l.output->'value') = 'null'
                  THEN format('record %s: the required %s is null', l.n, m.field)
                WHEN NOT f.fits
                  THEN format('record %s: %s is not of type %s (%s.%s)', l.n, l.output->'value', m.canonical_type,
                              m.entity, m.field)
           END AS live_problem,
           CASE WHEN l.present AND NOT l.output ? 'error' AND f.fits
                THEN fieldmap._range_problem(m.entity, m.field, m.canonical_type, l.output->'value') END AS range_problem,
           l.present AND NOT l.output ? 'error' AND jsonb_typeof(l.output->'value') <> 'null' AS has_value
      FROM live l JOIN m ON m.id = l.id
     CROSS JOIN LATERAL (SELECT fieldmap._fits_type(l.output->'value', m.canonical_type) AS fits OFFSET 0) f
  ), agg AS (
    SELECT j.id,
           count(*) FILTER (WHERE j.present OR j.required)::integer AS tests,
           count(j.live_problem)::integer AS live_fails,
           -- the first 20 problems, and how many more: a message stays readable whatever the samples
           array_to_string((array_agg(j.live_problem ORDER BY j.n) FILTER (WHERE j.live_problem IS NOT NULL))[1:20], '; ')
             || CASE WHEN count(j.live_problem) > 20 THEN format('; ... and %s more', count(j.live_problem) - 20) ELSE '' END
             AS live_problems,
           count(*) FILTER (WHERE j.has_value)::integer AS ranged,
           count(j.range_problem)::integer AS range_fails,
           array_to_string((array_agg(j.range_problem ORDER BY j.n) FILTER (WHERE j.range_problem IS NOT NULL))[1:20], '; ')
             || CASE WHEN count(j.range_problem) > 20 THEN format('; ... and %s more', count(j.range_problem) - 20) ELSE '' END
             AS range_problems,
           jsonb_agg(j.input ORDER BY j.n) FILTER (WHERE j.n <= 5) AS inputs,
           jsonb_agg(coalesce(j.output->'value', j.output) ORDER BY j.n) FILTER (WHERE j.n <= 5) AS outputs
      FROM judged j GROUP BY j.id
  ), typed AS (
    SELECT m.*, coalesce(m.transform_type, m.source_type) AS effective_type, tc.verdict, tc.advice
      FROM m LEFT JOIN fieldmap.type_compatibility tc
        ON tc.source_type = coalesce(m.transform_type, m.source_type) AND tc.canonical_type = m.canonical_type
  )
  SELECT t.id, 'format_check',
         CASE WHEN t.canonical_type IS NULL OR t.rule_problem IS NOT NULL THEN 'failed' ELSE 'passed' END,
         CASE WHEN t.canonical_type IS NULL THEN format('%s is not a field of the canonical entity %s', t.field, t.entity)
              ELSE t.rule_problem END,
         NULL::jsonb, NULL::jsonb, 1, CASE WHEN t.canonical_type IS NULL OR t.rule_problem IS NOT NULL THEN 0 ELSE 1 END,
         CASE WHEN t.canonical_type IS NULL OR t.rule_problem IS NOT NULL THEN 1 ELSE 0 END
    FROM typed t
  UNION ALL
  SELECT t.id, 'type_check', v.status, v.message, NULL, NULL, 1,
         CASE WHEN v.status = 'passed' THEN 1 ELSE 0 END, CASE WHEN v.status = 'failed' THEN 1 ELSE 0 END
    FROM typed t
   CROSS JOIN LATERAL (SELECT
     CASE WHEN t.canonical_type IS NULL THEN 'failed'
          WHEN t.canonical_type = 'any' THEN 'passed'
          WHEN t.effective_type = 'any' THEN  -- map_values: its values are the output
            CASE WHEN EXISTS (SELECT FROM jsonb_each(t.rule->'values') x WHERE NOT fieldmap._fits_type(x.value, t.canonical_type))
                   OR NOT fieldmap._fits_type(t.rule->'default', t.canonical_type) THEN 'failed' ELSE 'passed' END
          WHEN t.effective_type IS NULL OR t.verdict IS NULL THEN 'warning'
          WHEN t.verdict = 'compatible' THEN 'passed'
          ELSE 'failed' END AS status,
     CASE WHEN t.canonical_type IS NULL THEN format('no canonical type: %s is not a field of %s', t.field, t.entity)
          WHEN t.canonical_type = 'any' THEN NULL
          WHEN t.effective_type = 'any' THEN format('the values of map_values must be %s', t.canonical_type)
          WHEN t.effective_type IS NULL THEN 'the source type is not known (source_data_type is not set): the live test checks sample values'
          WHEN t.verdict IS NULL THEN format('no rule in fieldmap.type_compatibility for %s -> %s', t.effective_type, t.canonical_type)
          WHEN t.verdict = 'needs_transform' THEN format('%s -> %s needs a transform (%s)', t.effective_type, t.canonical_type, t.advice)
          WHEN t.verdict = 'incompatible' THEN format('%s cannot become %s', t.effective_type, t.canonical_type)
     END AS message) v
  UNION ALL
  SELECT t.id, 'live_test',
         CASE WHEN coalesce(a.tests, 0) = 0 THEN 'warning' WHEN a.live_fails > 0 THEN 'failed' ELSE 'passed' END,
         CASE WHEN coalesce(a.tests, 0) = 0
              THEN 'no sample records (pass samples, or store some with fieldmap.add_samples)' ELSE a.live_problems END,
         a.inputs, a.outputs, coalesce(a.tests, 0), coalesce(a.tests - a.live_fails, 0), coalesce(a.live_fails, 0)
    FROM typed t LEFT JOIN agg a ON a.id = t.id
  UNION ALL
  SELECT t.id, 'range_check',
         CASE WHEN coalesce(a.ranged, 0) = 0 THEN 'warning' WHEN a.range_fails > 0 THEN 'failed' ELSE 'passed' END,
         CASE WHEN coalesce(a.ranged, 0) = 0 THEN 'no sample values to check' ELSE a.range_problems END,
         NULL, NULL, coalesce(a.ranged, 0), coalesce(a.ranged - a.range_fails, 0), coalesce(a.range_fails, 0)
    FROM typed t LEFT JOIN agg a ON a.id = t.id
$$;

-- Runs the checks, records them (mapping_validation_results) and their
-- verdict on the mappings (validation_status, audited; success_rate,
-- error_count, last_validated_at, avg_processing_time_ms); returns the checks.
CREATE OR REPLACE FUNCTION fieldmap.validate_mapping_ids(mapping_ids uuid[], samples jsonb DEFAULT NULL)
RETURNS TABLE (mapping_id uuid, validation_type text, validation_status text, error_message text,
               test_count integer, pass_count integer, fail_count integer)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET work_mem = '64MB'  -- a tenant's checks sorted and grouped in memory, not on disk
AS $$
DECLARE
  v_tenant  uuid := fieldmap.current_tenant_id();
  v_actor   uuid := nullif(current_setting('fieldmap.actor_id', true), '')::uuid;
  v_started timestamptz := clock_timestamp();
  v_unknown uuid;
BEGIN
  IF samples IS NOT NULL AND (jsonb_typeof(samples) <> 'array'
                              OR EXISTS (SELECT FROM jsonb_array_elements(samples) e WHERE jsonb_typeof(e) <> 'object')) THEN
    RAISE EXCEPTION 'samples must be a JSON array of source records (objects), not %',
      CASE WHEN jsonb_typeof(samples) = 'array' THEN 'an array holding ' || (SELECT jsonb_typeof(e) FROM
             jsonb_array_elements(samples) e WHERE jsonb_typeof(e) <> 'object' LIMIT 1) ELSE jsonb_typeof(samples) END
      USING ERRCODE = 'MR001';
  END IF;
  IF mapping_ids IS NULL THEN
    RAISE EXCEPTION 'mapping_ids must be an array of mapping ids, not NULL' USING ERRCODE = 'MR001';
  END IF;
  SELECT x INTO v_unknown FROM unnest(mapping_ids) x
   WHERE x IS NULL OR NOT EXISTS (SELECT FROM fieldmap.field_mappings f WHERE f.tenant_id = v_tenant AND f.id = x)
   LIMIT 1;
  IF FOUND THEN  -- another tenant's id looks like no id at all
    RAISE EXCEPTION 'no mapping % in this tenant', coalesce(v_unknown::text, 'NULL') USING ERRCODE = 'MR004';
  END IF;
  -- One statement: the checks once (c), their duration per mapping once
  -- they are done (timed), then the results, the verdicts, and the rows back.
  RETURN QUERY
    WITH c AS MATERIALIZED (
      SELECT * FROM fieldmap._validation_checks(mapping_ids, samples)
    ), timed AS MATERIALIZED (
      SELECT extract(epoch FROM clock_timestamp() - v_started) * 1000 / greatest(cardinality(mapping_ids), 1) AS ms
        FROM (SELECT count(*) FROM c) done
    ), results AS (
      INSERT INTO fieldmap.mapping_validation_results
        (tenant_id, field_mapping_id, validation_type, validation_status, error_message, sample_input, sample_output,
         test_count, pass_count, fail_count, duration_ms, validated_by)
      SELECT v_tenant, c.mapping_id, c.validation_type, c.validation_status, c.error_message, c.sample_input,
             c.sample_output, c.test_count, c.pass_count, c.fail_count, timed.ms, v_actor
        FROM c, timed
    ), verdicts AS (
      UPDATE fieldmap.field_mappings f
         SET validation_status = CASE WHEN v.failed THEN 'failed' WHEN v.live_passed THEN 'validated' ELSE 'pending' END,
             success_rate = CASE WHEN v.tests > 0 THEN v.passes::double precision / v.tests END,
             error_count = v.fails, last_validated_at = now(), avg_processing_time_ms = round(v.ms)::integer
        FROM (SELECT c.mapping_id, bool_or(c.validation_status = 'failed') AS failed, min(timed.ms) AS ms,
                     bool_or(c.validation_type = 'live_test' AND c.validation_status = 'passed') AS live_passed,
                     sum(c.test_count) FILTER (WHERE c.validation_type = 'live_test') AS tests,
                     sum(c.pass_count) FILTER (WHERE c.validation_type = 'live_test') AS passes,
                     sum(c.fail_count) FILTER (WHERE c.validation_type = 'live_test') AS fails
                FROM c, timed GROUP BY c.mapping_id) v
       WHERE f.tenant_id = v_tenant AND f.id = v.mapping_id
    )
    SELECT c.mapping_id, c.validation_type, c.validation_status, c.error_message, c.test_count, c.pass_count,
           c.fail_count
      FROM c
     ORDER BY c.mapping_id, array_position(ARRAY['format_check', 'type_check', 'live_test', 'range_check'],
                                           c.validation_type);
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.validate_mapping(mapping_id uuid, samples jsonb DEFAULT NULL)
RETURNS TABLE (validation_type text, validation_status text, error_message text, test_count integer,
               pass_count integer, fail_count integer)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- validate_mapping_ids checks the samples and the id, in that order
  RETURN QUERY
    SELECT r.validation_type, r.validation_status, r.error_message, r.test_count, r.pass_count, r.fail_count
      FROM fieldmap.validate_mapping_ids(ARRAY[mapping_id], samples) r;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.validate_mappings(connector text DEFAULT NULL)
RETURNS TABLE (mapping_id uuid, connector_name text, entity text, field text, validation_status text, failed text[], warnings text[])
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_connector uuid := CASE WHEN connector IS NOT NULL THEN fieldmap.connector_id(connector) END;
  v_ids       uuid[] := ARRAY(SELECT a.id FROM fieldmap.active_mappings a
                               WHERE v_connector IS NULL OR a.connector_id = v_connector);
BEGIN
  RETURN QUERY
    SELECT r.mapping_id, c.connector_name::text AS connector_name, f.canonical_entity::text, f.canonical_field::text,
           CASE WHEN bool_or(r.validation_status = 'failed') THEN 'failed'
                WHEN bool_or(r.validation_type = 'live_test' AND r.validation_status = 'passed') THEN 'validated'
                ELSE 'pending' END,  -- nothing failed, but nothing was tried on real values either
           coalesce(array_agg(r.validation_type) FILTER (WHERE r.validation_status = 'failed'), '{}'),
           coalesce(array_agg(r.validation_type) FILTER (WHERE r.validation_status = 'warning'), '{}')
      FROM fieldmap.validate_mapping_ids(v_ids, NULL) r
      JOIN fieldmap.field_mappings f ON f.tenant_id = fieldmap.current_tenant_id() AND f.id = r.mapping_id
      JOIN fieldmap.connector_definitions c ON c.id = f.connector_id
     GROUP BY r.mapping_id, c.connector_name, f.canonical_entity, f.canonical_field
     ORDER BY c.connector_name, f.canonical_entity, f.canonical_field;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.add_samples(connector text, entity text, records jsonb)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_connector uuid := fieldmap.connector_id(connector);
  v_count     integer;
  v_bad       text;
BEGIN
  IF records IS NULL OR jsonb_typeof(records) <> 'array' THEN
    RAISE EXCEPTION 'records must be a JSON array of source records (objects), not %',
      coalesce(jsonb_typeof(records), 'NULL') USING ERRCODE = 'MR001';
  END IF;
  SELECT format('record %s is %s, not an object', e.n, jsonb_typeof(e.rec)) INTO v_bad
    FROM jsonb_array_elements(records) WITH ORDINALITY AS e(rec, n)
   WHERE jsonb_typeof(e.rec) <> 'object' ORDER BY e.n LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION '%', v_bad USING ERRCODE = 'MR001';
  END IF;
  IF NOT EXISTS (SELECT FROM fieldmap.entity_schemas s WHERE s.entity_name = add_samples.entity) THEN
    RAISE EXCEPTION 'unknown canonical entity "%"%', entity,
      coalesce(' (did you mean "' || fieldmap.closest_name(entity, ARRAY(SELECT DISTINCT s.entity_name::text
                                                                       FROM fieldmap.entity_schemas s)) || '"?)', '')
      USING ERRCODE = 'MR001';
  END IF;
  -- a record stored once is enough (the same samples added again add nothing)
  INSERT INTO fieldmap.connector_samples (tenant_id, connector_id, entity, record)
  SELECT fieldmap.current_tenant_id(), v_connector, add_samples.entity, e FROM jsonb_array_elements(records) e
  ON CONFLICT (tenant_id, connector_id, entity, md5(record::text)) DO NOTHING;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  -- samples are for tests, not a copy of the source: the nightly validation reads them all
  IF (SELECT count(*) FROM fieldmap.connector_samples c
       WHERE c.tenant_id = fieldmap.current_tenant_id() AND c.connector_id = v_connector
         AND c.entity = add_samples.entity) > 1000 THEN
    RAISE EXCEPTION 'a connector keeps at most 1,000 sample records per entity (%.%)', connector, entity
      USING ERRCODE = 'MR001', HINT = 'delete older samples from fieldmap.connector_samples first';
  END IF;
  RETURN v_count;
END
$$;

-- The nightly job: every tenant's active mappings, each tenant in its own
-- context. Owner only (pg_cron runs it as the job's owner).
CREATE OR REPLACE FUNCTION fieldmap.validate_all_tenants()
RETURNS TABLE (tenant text, mappings bigint, failed bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_saved  text := current_setting('fieldmap.tenant_id', true);
  v_tenant record;
BEGIN
  FOR v_tenant IN SELECT t.id, t.slug FROM fieldmap.tenants t WHERE t.status = 'active' ORDER BY t.slug LOOP
    PERFORM set_config('fieldmap.tenant_id', v_tenant.id::text, true);
    tenant := v_tenant.slug;
    SELECT count(*), count(*) FILTER (WHERE v.validation_status = 'failed') INTO mappings, failed
      FROM fieldmap.validate_mappings() v;
    IF mappings > 0 THEN
      RETURN NEXT;
    END IF;
  END LOOP;
  PERFORM set_config('fieldmap.tenant_id', coalesce(v_saved, ''), true);
END
$$;

COMMENT ON FUNCTION fieldmap._fits_type(jsonb, text) IS 'Internal: does a JSON value (or null) have a canonical registry type?';
COMMENT ON FUNCTION fieldmap._range_problem(text, text, text, jsonb) IS
  'Internal: what is out of range about a canonical value (range_rules, ISO 4217, datetimes in 1900-2100), or NULL.';
COMMENT ON FUNCTION fieldmap._validation_checks(uuid[], jsonb) IS
  'Internal: format_check, type_check, live_test and range_check of mappings of the session''s tenant, one row each, without recording them.';
COMMENT ON FUNCTION fieldmap.validate_mapping_ids(uuid[], jsonb) IS
  'Validates the given mappings of the session''s tenant (set-based: the four checks of validate_mapping), records the results and verdicts; returns every check.';
COMMENT ON FUNCTION fieldmap.validate_mapping(uuid, jsonb) IS
  'Validates a mapping (session''s tenant) with format_check, type_check, live_test and range_check on the given sample source records (a JSON array of objects) or the connector''s stored samples; records the results and sets validation_status (audited), success_rate, error_count, last_validated_at. Returns the four checks.';
COMMENT ON FUNCTION fieldmap.validate_mappings(text) IS
  'Validates every active mapping (of a connector, or all) of the session''s tenant on the stored samples, set-based; returns each mapping''s verdict with its failed and warning checks.';
COMMENT ON FUNCTION fieldmap.add_samples(text, text, jsonb) IS
  'Stores sample source records (a JSON array of objects) of a connector''s entity for the live tests of validate_mapping(s). Returns how many.';
COMMENT ON FUNCTION fieldmap.validate_all_tenants() IS
  'The nightly re-validation (owner): validate_mappings() in every active tenant; returns per tenant how many mappings were checked and failed.';
