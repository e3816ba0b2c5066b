-- Deploy fieldmap:function_semantic_search to pg
-- requires: function_embedding_queue
-- requires: function_mapping_documents
-- requires: embedding_connector
-- requires: embedding_index_deferred
-- Similar mappings by vector, tenant-scoped: search_similar, similar_to_mapping.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

-- pgvector's settings (hnsw.*) exist once its library is loaded; a function
-- may only SET a setting its owner could set, so load it first
SELECT '[1]'::public.vector IS NOT NULL AS vector_loaded \gset
\ir ../functions/vector_index_scope.sql
\ir ../functions/semantic_search.sql

-- The index of approved canonical mappings that suggestions draw on
-- (idx_mapping_approved_canonical) is made by the released version of this
-- change, which always deploys first; this version only replaces functions.

-- invoker helpers, for whoever may call the API functions that use them
GRANT EXECUTE ON FUNCTION fieldmap._search_filters(jsonb), fieldmap._nearest_mappings(public.vector, text, integer, jsonb),
  fieldmap._described_mappings(uuid[], double precision[]), fieldmap._vector_index_name(text, uuid, uuid),
  fieldmap._vector_index_stands(text), fieldmap._exact_search_limit(boolean)
  TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
-- the auditor reads the audit trail, not the embeddings
GRANT EXECUTE ON FUNCTION fieldmap.search_similar(public.vector, integer, jsonb), fieldmap.similar_to_mapping(uuid, integer)
  TO fieldmap_writer, fieldmap_reader;

COMMIT;
