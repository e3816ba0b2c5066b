-- Deploy fieldmap:function_embedding_queue to pg
-- requires: table_embedding_models
-- requires: view_canonical_fields
-- requires: function_embedding_text
-- requires: function_closest_name
-- requires: embedding_index_deferred
-- The work queue of `fieldmap embed`: pending texts out, vectors in.
-- Reworked after @v0.1.0: the functions replaced; the trigger, unchanged, stands.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

-- the one statement of "a mapping still needs a vector of a model", read by
-- the queue, its count, fieldmap status and suggest's warning; with the
-- invoker's rights, so the tenant's row security applies.
-- Each mapping is probed by a scalar sub-select (one index lookup on tenant,
-- model and mapping), which the planner never turns into a join: written NOT
-- EXISTS, it was joined by the statistics, and a tenant's vectors analyzed
-- before a push stored them were estimated at one row, so every mapping of
-- a page rescanned all the vectors stored so far (126 ms for a page of 512
-- half-way through 3,000; growing with the tenant).
CREATE VIEW fieldmap.mappings_to_embed WITH (security_invoker = true) AS
SELECT f.tenant_id, f.id AS field_mapping_id, f.source_table, f.source_field, m.name AS embedding_model
  FROM fieldmap.field_mappings f
 CROSS JOIN fieldmap.embedding_models m
 WHERE (SELECT e.embedding_vector IS NULL FROM fieldmap.mapping_embeddings e
         WHERE e.tenant_id = f.tenant_id AND e.field_mapping_id = f.id AND e.embedding_model = m.name) IS NOT FALSE;

COMMENT ON VIEW fieldmap.mappings_to_embed IS
  'fieldmap: each mapping with each registered model it has no vector of yet (new, or its text changed): what fieldmap embed computes.';
GRANT SELECT ON fieldmap.mappings_to_embed TO fieldmap_writer, fieldmap_reader;

\ir ../functions/embedding_queue.sql
\ir ../triggers/_drop_stale_embeddings.sql

GRANT EXECUTE ON FUNCTION fieldmap._embedding_model_dims(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
-- the queue (invoker) checks its keys with the one uuid test
GRANT EXECUTE ON FUNCTION fieldmap._as_uuid(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
-- what the canonical schema lacks, for any role (only the owner computes it)
GRANT EXECUTE ON FUNCTION fieldmap._stores_schema_vectors(), fieldmap._schema_texts_to_embed(text),
  fieldmap.schema_embeddings_missing(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.pending_embeddings(text, integer, text), fieldmap.pending_embedding_count(text),
  fieldmap.put_embeddings(text, text[], text[], text[], public.vector[]) TO fieldmap_writer;

COMMIT;
