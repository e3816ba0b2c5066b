-- fieldmap.compare_mappings(connector text, doc jsonb, direction text DEFAULT 'auto')
--   -> (entity, canonical_field, difference, in_file, in_database)
-- The seed's validate_migration, in SQL: every difference between a legacy
-- document and the connector's mappings in the session's tenant.
--   missing in database  an entry of the file with no mapping
--   missing in file      an active mapping the file does not list
--   mismatch             same entity and canonical field, but another source
--                        field or table, another transform, or not active
-- No rows: the database holds exactly the file's mappings.
CREATE OR REPLACE FUNCTION fieldmap.compare_mappings(connector text, doc jsonb, direction text DEFAULT 'auto')
RETURNS TABLE (entity text, canonical_field text, difference text, in_file text, in_database text)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER  -- runs as the owner, still confined to the session's tenant by forced RLS
SET search_path = pg_catalog
AS $$
DECLARE
  v_tenant  uuid := fieldmap.current_tenant_id();
  v_problem text;
BEGIN
  SELECT r.problem INTO v_problem FROM fieldmap._mapping_doc_rows(doc, direction) r WHERE r.problem IS NOT NULL LIMIT 1;
  IF v_problem IS NOT NULL THEN
    RAISE EXCEPTION '%', v_problem USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH file AS (
    SELECT r.entity, r.canonical_field, r.source_table, r.source_field, r.transform
      FROM fieldmap._mapping_doc_rows(doc, direction) r
  ), db AS (
    SELECT f.canonical_entity::text AS entity, f.canonical_field::text AS canonical_field,
           f.source_table::text AS source_table, f.source_field::text AS source_field,
           f.transformation_rule->>'transform' AS transform, f.status::text AS status
      FROM fieldmap.field_mappings f
      JOIN fieldmap.connector_definitions c ON c.tenant_id = f.tenant_id AND c.id = f.connector_id
     WHERE f.tenant_id = v_tenant AND c.connector_name = connector AND f.connection_id IS NULL
  ), joined AS (
    SELECT coalesce(fl.entity, d.entity) AS entity, coalesce(fl.canonical_field, d.canonical_field) AS canonical_field,
           fl.source_table AS f_table, fl.source_field AS f_field, fl.transform AS f_transform,
           d.source_table AS d_table, d.source_field AS d_field, d.transform AS d_transform, d.status AS d_status
      FROM file fl
      FULL JOIN db d ON d.entity = fl.entity AND d.canonical_field = fl.canonical_field
                    AND d.source_table = fl.source_table AND d.source_field = fl.source_field
  ), described AS (
    SELECT j.*,
           CASE WHEN j.f_field IS NOT NULL
                THEN j.f_table || '.' || j.f_field || coalesce(' (transform ' || j.f_transform || ')', '') END AS f_text,
           CASE WHEN j.d_field IS NOT NULL
                THEN j.d_table || '.' || j.d_field || coalesce(' (transform ' || j.d_transform || ')', '')
                     || CASE WHEN j.d_status <> 'active' THEN ' [' || j.d_status || ']' ELSE '' END END AS d_text,
           count(*) FILTER (WHERE j.d_field IS NULL) OVER (PARTITION BY j.entity, j.canonical_field) AS only_file,
           count(*) FILTER (WHERE j.f_field IS NULL AND j.d_status = 'active') OVER (PARTITION BY j.entity, j.canonical_field) AS only_db
      FROM joined j
  )
  -- an entry on each side for the same canonical field: one mismatch
  SELECT a.entity, a.canonical_field, 'mismatch', a.f_text, b.d_text
    FROM described a JOIN described b ON b.entity = a.entity AND b.canonical_field = a.canonical_field
   WHERE a.d_field IS NULL AND b.f_field IS NULL AND b.d_status = 'active' AND a.only_file = 1 AND a.only_db = 1
  UNION ALL
  SELECT x.entity, x.canonical_field,
         CASE WHEN x.d_field IS NULL THEN 'missing in database'
              WHEN x.f_field IS NULL THEN 'missing in file'
              ELSE 'mismatch' END,
         x.f_text, x.d_text
    FROM described x
   WHERE (x.d_field IS NULL AND NOT (x.only_file = 1 AND x.only_db = 1))
      OR (x.f_field IS NULL AND x.d_status = 'active' AND NOT (x.only_file = 1 AND x.only_db = 1))
      OR (x.f_field IS NOT NULL AND x.d_field IS NOT NULL
          AND (x.f_transform IS DISTINCT FROM x.d_transform OR x.d_status <> 'active'))
  ORDER BY 1, 2, 3;
END
$$;

COMMENT ON FUNCTION fieldmap.compare_mappings(text, jsonb, text) IS
  'Every difference between a legacy mapping document and the connector''s mappings (session''s tenant): missing in database, missing in file, mismatch. No rows means zero loss.';
