-- Revert fieldmap:function_embedding_queue from pg
BEGIN;
DROP TRIGGER _30_drop_stale_embeddings ON fieldmap.field_mappings;
DROP FUNCTION fieldmap._drop_stale_embeddings();
DROP FUNCTION fieldmap.put_embeddings(text, text[], text[], text[], public.vector[]);
DROP FUNCTION fieldmap.pending_embedding_count(text);
DROP FUNCTION fieldmap.pending_embeddings(text, integer, text);
DROP FUNCTION fieldmap._embedding_model_dims(text);
REVOKE EXECUTE ON FUNCTION fieldmap._as_uuid(text) FROM fieldmap_writer, fieldmap_reader, fieldmap_auditor;
COMMIT;
