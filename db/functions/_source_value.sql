-- fieldmap._source_value(rec jsonb, source text) -> jsonb
-- The value a mapping reads from a source record: the top-level key of that
-- exact name, else, for a dotted name (address.city), the path into nested
-- objects. SQL NULL when the record lacks it; a JSON null is 'null'.
-- The one definition apply_mappings (compiled into its query) and the
-- validation's live test both use. A SQL-standard body, so it is inlined
-- into the caller's query and its names were resolved when it was created.
CREATE OR REPLACE FUNCTION fieldmap._source_value(rec jsonb, source text)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN strpos(source, '.') = 0 THEN rec -> source
            ELSE coalesce(rec -> source, rec #> string_to_array(source, '.')) END;

COMMENT ON FUNCTION fieldmap._source_value(jsonb, text) IS
  'Internal: the value a mapping reads from a source record (the exact key, else the dotted path), SQL NULL when absent; used by apply_mappings and validation.';
