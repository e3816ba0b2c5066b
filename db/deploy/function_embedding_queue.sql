-- Deploy fieldmap:function_embedding_queue to pg
-- requires: table_embedding_models
-- requires: view_canonical_fields
-- requires: function_embedding_text
-- requires: function_closest_name
-- The work queue of `fieldmap embed`: pending texts out, vectors in.
-- Reworked after @v0.1.0: the functions replaced; the trigger, unchanged, stands.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/embedding_queue.sql
\ir ../triggers/_drop_stale_embeddings.sql

GRANT EXECUTE ON FUNCTION fieldmap._embedding_model_dims(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
-- the queue (invoker) checks its keys with the one uuid test
GRANT EXECUTE ON FUNCTION fieldmap._as_uuid(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
-- what the canonical schema lacks, for any role (only the owner computes it)
GRANT EXECUTE ON FUNCTION fieldmap._schema_texts_to_embed(text), fieldmap.schema_embeddings_missing(text)
  TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.pending_embeddings(text, integer, text), fieldmap.pending_embedding_count(text),
  fieldmap.put_embeddings(text, text[], text[], text[], public.vector[]) TO fieldmap_writer;

COMMIT;
