-- Revert fieldmap:function_semantic_search from pg: put back the version released in @v0.1.0
-- (its frozen deploy script; add what the new version created and the old one lacks)
BEGIN;
SET LOCAL ROLE fieldmap_owner;

-- pgvector's settings (hnsw.*) exist once its library is loaded; a function
-- may only SET a setting its owner could set, so load it first
SELECT '[1]'::public.vector IS NOT NULL AS vector_loaded \gset
\ir ../functions/semantic_search@v0.1.0.sql
DROP FUNCTION fieldmap._vector_index_stands(text);
DROP FUNCTION fieldmap._vector_index_name(text, uuid, uuid);
DROP FUNCTION fieldmap._vector_index_pattern();
DROP FUNCTION fieldmap._exact_search_limit(boolean);

-- Suggestions look among a tenant's approved mappings of canonical fields.
-- Where those are few (most mappings go to extras or are deprecated) the
-- planner rightly skips the HNSW index, and this index keeps that cheap
-- instead of a scan of every mapping. (IF NOT EXISTS: reverting the rework,
-- the index the released version made is still there.)
CREATE INDEX IF NOT EXISTS idx_mapping_approved_canonical ON fieldmap.field_mappings (tenant_id, id)
  WHERE status = 'active' AND canonical_field NOT LIKE 'extras.%';
COMMENT ON INDEX fieldmap.idx_mapping_approved_canonical IS
  'The active mappings of canonical (not extras) fields per tenant: the neighbours suggestions draw on, found fast when few.';

-- invoker helpers, for whoever may call the API functions that use them
GRANT EXECUTE ON FUNCTION fieldmap._search_filters(jsonb), fieldmap._nearest_mappings(public.vector, text, integer, jsonb),
  fieldmap._described_mappings(uuid[], double precision[])
  TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
-- the auditor reads the audit trail, not the embeddings
GRANT EXECUTE ON FUNCTION fieldmap.search_similar(public.vector, integer, jsonb), fieldmap.similar_to_mapping(uuid, integer)
  TO fieldmap_writer, fieldmap_reader;

COMMIT;
