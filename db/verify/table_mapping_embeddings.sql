-- Verify fieldmap:table_mapping_embeddings on pg
BEGIN;
SELECT tenant_id, id, field_mapping_id, embedding_text, embedding_vector, embedding_model,
       embedding_dims, metadata, created_at
  FROM fieldmap.mapping_embeddings WHERE false;
DO $$
BEGIN
  ASSERT (SELECT indisunique FROM pg_index WHERE indexrelid = to_regclass('fieldmap.unique_embedding_mapping')),
         'unique index unique_embedding_mapping (tenant_id, field_mapping_id, embedding_model) missing';
  ASSERT (SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam
           WHERE c.oid = to_regclass('fieldmap.idx_embedding_vector_minilm')) = 'hnsw',
         'HNSW index idx_embedding_vector_minilm missing';
END
$$;
ROLLBACK;
