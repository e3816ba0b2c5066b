-- Revert fieldmap:table_embedding_models from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.schema_embeddings;
DROP TRIGGER _10_check_dims ON fieldmap.mapping_embeddings;
DROP FUNCTION fieldmap._check_embedding_dims();
DROP INDEX fieldmap.idx_embedding_tenant_model;
DO $$
DECLARE
  i text;
BEGIN  -- the indexes add_embedding_model built
  FOR i IN SELECT indexname FROM pg_indexes WHERE schemaname = 'fieldmap' AND indexname LIKE 'idx\_embedding\_hnsw\_%' LOOP
    EXECUTE format('DROP INDEX fieldmap.%I', i);
  END LOOP;
END
$$;
DELETE FROM fieldmap.mapping_embeddings
 WHERE embedding_model <> 'sentence-transformers/all-MiniLM-L6-v2' OR public.vector_dims(embedding_vector) <> 384;
ALTER TABLE fieldmap.mapping_embeddings
  DROP COLUMN content_hash,
  DROP CONSTRAINT mapping_embeddings_model_fkey,
  ADD CONSTRAINT mapping_embeddings_minilm_dims_check CHECK (
      embedding_model <> 'sentence-transformers/all-MiniLM-L6-v2' OR embedding_dims = 384);
COMMENT ON INDEX fieldmap.idx_embedding_vector_minilm IS
  'HNSW (cosine) over all-MiniLM-L6-v2 embeddings (384 dimensions). Queries must cast to vector(384) and filter on the model to use it.';
DROP FUNCTION fieldmap.default_embedding_model();
DROP FUNCTION fieldmap.add_embedding_model(text, integer, text);
DROP TABLE fieldmap.embedding_models;
COMMIT;
