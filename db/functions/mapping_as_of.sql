-- fieldmap.mapping_as_of(mapping_id uuid, at timestamptz) -> fieldmap.field_mappings
-- The mapping exactly as it stood at a moment (transaction time), or NULL
-- when it did not exist then (not yet created, or deleted).
CREATE OR REPLACE FUNCTION fieldmap.mapping_as_of(mapping_id uuid, at timestamptz)
RETURNS fieldmap.field_mappings
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
  SELECT jsonb_populate_record(NULL::fieldmap.field_mappings, h.mapping)
    FROM fieldmap.mapping_history(mapping_id) h
   WHERE h.changed_at <= at
   ORDER BY h.seq DESC
   LIMIT 1
$$;

COMMENT ON FUNCTION fieldmap.mapping_as_of(uuid, timestamptz) IS
  'The mapping as it stood at the given time (session''s tenant), row for row; NULL if it did not exist then.';
