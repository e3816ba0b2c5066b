-- fieldmap.compare_mappings(connector text, doc jsonb, direction text DEFAULT 'auto')
--   -> (entity, canonical_field, difference, in_file, in_database)
-- The seed's validate_migration, in SQL: every difference between a mapping
-- document and the connector's active connector-wide mappings in the
-- session's tenant (fieldmap.active_mappings), field by field:
--   missing in database  a field of the file with no active mapping
--   missing in file      an active mapping of a field the file does not list
--   mismatch             the field's mapping has another source field or
--                        table, another transform or rule, or another
--                        confidence (when the file gives one)
-- No rows: the database holds exactly the file's mappings. A document with
-- an unacceptable entry is refused (the first problem is the message).
CREATE OR REPLACE FUNCTION fieldmap.compare_mappings(connector text, doc jsonb, direction text DEFAULT 'auto')
RETURNS TABLE (entity text, canonical_field text, difference text, in_file text, in_database text)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_entries fieldmap.mapping_entry[] := ARRAY(SELECT p FROM fieldmap.parse_mapping_doc(doc, direction) p);
  v_problem text;
BEGIN
  SELECT p.problem INTO v_problem FROM unnest(v_entries) p WHERE p.problem IS NOT NULL
   ORDER BY p.entity, p.field_key LIMIT 1;
  IF v_problem IS NOT NULL THEN
    RAISE EXCEPTION '%', v_problem USING ERRCODE = 'MR001';
  END IF;
  RETURN QUERY
  WITH file AS (
    SELECT p.entity, p.canonical_field, p.source_table, p.source_field, p.transform, p.transformation_rule AS rule,
           p.confidence
      FROM unnest(v_entries) p
  ), db AS (
    SELECT a.canonical_entity::text AS entity, a.canonical_field::text AS canonical_field,
           a.source_table::text AS source_table, a.source_field::text AS source_field,
           a.transformation_rule->>'transform' AS transform, a.transformation_rule AS rule,
           a.confidence_score AS confidence
      FROM fieldmap.active_mappings a
     WHERE a.connector_name = compare_mappings.connector
  ), joined AS (
    SELECT coalesce(fl.entity, d.entity) AS entity, coalesce(fl.canonical_field, d.canonical_field) AS canonical_field,
           CASE WHEN fl.entity IS NULL THEN 'missing in file'
                WHEN d.entity IS NULL THEN 'missing in database'
                WHEN (fl.source_table, fl.source_field, fl.rule, coalesce(fl.confidence, d.confidence))
                     IS DISTINCT FROM (d.source_table, d.source_field, d.rule, d.confidence) THEN 'mismatch'
           END AS difference,
           CASE WHEN fl.entity IS NOT NULL
                THEN fl.source_table || '.' || fl.source_field || coalesce(' (transform ' || fl.transform || ')', '')
                     || coalesce(' (confidence ' || fl.confidence || ')', '') END AS in_file,
           CASE WHEN d.entity IS NOT NULL
                THEN d.source_table || '.' || d.source_field || coalesce(' (transform ' || d.transform || ')', '')
                     || CASE WHEN d.confidence <> 1 THEN ' (confidence ' || d.confidence || ')' ELSE '' END END AS in_database
      FROM file fl
      FULL JOIN db d ON d.entity = fl.entity AND d.canonical_field = fl.canonical_field
  )
  SELECT j.entity, j.canonical_field, j.difference, j.in_file, j.in_database
    FROM joined j
   WHERE j.difference IS NOT NULL
   ORDER BY 1, 2, 3;
END
$$;

COMMENT ON FUNCTION fieldmap.compare_mappings(text, jsonb, text) IS
  'Every difference between a mapping document and the connector''s active mappings (session''s tenant), field by field: missing in database, missing in file, mismatch. No rows means zero loss.';
