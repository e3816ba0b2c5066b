-- fieldmap.mapping_as_of(mapping_id uuid, at timestamptz) -> SETOF fieldmap.field_mappings
-- The mapping exactly as it stood at a moment (transaction time): one row,
-- or none when it did not exist then (not yet created, or deleted).
-- SECURITY INVOKER: it reads only mapping_history, which its callers may run.
CREATE OR REPLACE FUNCTION fieldmap.mapping_as_of(mapping_id uuid, at timestamptz)
RETURNS SETOF fieldmap.field_mappings
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT (jsonb_populate_record(NULL::fieldmap.field_mappings, v.mapping)).*
    FROM (SELECT h.mapping FROM fieldmap.mapping_history(mapping_id) h
           WHERE h.changed_at <= at
           ORDER BY h.seq DESC
           LIMIT 1) v
   WHERE v.mapping IS NOT NULL
$$;

COMMENT ON FUNCTION fieldmap.mapping_as_of(uuid, timestamptz) IS
  'The mapping as it stood at the given time (session''s tenant), column for column; no row if it did not exist then.';
