-- Revert fieldmap:function_embedding_queue from pg: put back the version released in @v0.1.0
-- (its frozen deploy script, less the trigger it created, which stands unchanged;
-- then what the new version added goes)
-- Deploy fieldmap:function_embedding_queue to pg
-- requires: table_embedding_models
-- requires: view_canonical_fields
-- requires: function_embedding_text
-- requires: function_closest_name
-- The work queue of `fieldmap embed`: pending texts out, vectors in.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/embedding_queue@v0.1.0.sql
\ir ../triggers/_drop_stale_embeddings@v0.1.0.sql

GRANT EXECUTE ON FUNCTION fieldmap._embedding_model_dims(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
-- the queue (invoker) checks its keys with the one uuid test
GRANT EXECUTE ON FUNCTION fieldmap._as_uuid(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.pending_embeddings(text, integer, text), fieldmap.pending_embedding_count(text),
  fieldmap.put_embeddings(text, text[], text[], text[], public.vector[]) TO fieldmap_writer;

-- the released pending_embeddings (above) reads none of these
DROP FUNCTION fieldmap.schema_embeddings_missing(text);
DROP FUNCTION fieldmap._schema_texts_to_embed(text);
DROP FUNCTION fieldmap._stores_schema_vectors();
DROP VIEW fieldmap.mappings_to_embed;

COMMIT;
