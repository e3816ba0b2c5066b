-- Deploy fieldmap:function_vector_index_plan to pg
-- requires: function_semantic_search
-- requires: table_embedding_models
-- requires: embedding_connector
-- requires: embedding_index_deferred
-- HNSW indexes of single tenants and connectors, for those the index
-- they would otherwise be searched through serves slowly: the statements that make them, for the owner to run.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/vector_index_plan.sql
-- owner only: it counts every tenant's vectors, and its statements need the table's owner
REVOKE ALL ON FUNCTION fieldmap.vector_index_plan(),
  fieldmap._wants_own_index(boolean, bigint, double precision, boolean) FROM PUBLIC;

COMMIT;
