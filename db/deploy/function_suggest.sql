-- Deploy fieldmap:function_suggest to pg
-- requires: function_semantic_search
-- requires: view_canonical_fields
-- requires: table_validation_rules
-- Mapping suggestions for a new connector's fields: suggest_fields, suggest_mapping.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

-- suggest_fields sets hnsw.max_scan_tuples, which exists once pgvector's library is loaded
SELECT '[1]'::public.vector IS NOT NULL AS vector_loaded \gset
\ir ../functions/suggest_mapping.sql

GRANT EXECUTE ON FUNCTION
  fieldmap.suggest_fields(text, text, text[], text[], public.vector[], public.vector, integer),
  fieldmap.suggest_mapping(text, text, text, text, public.vector, integer, public.vector)
  TO fieldmap_writer, fieldmap_reader;

COMMIT;
