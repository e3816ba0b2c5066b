-- Verify fieldmap:embedding_nonzero on pg
BEGIN;
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM pg_constraint WHERE conname = 'mapping_embeddings_nonzero_check' AND convalidated
                    AND conrelid = 'fieldmap.mapping_embeddings'::regclass),
         'constraint mapping_embeddings_nonzero_check missing or not validated';
  ASSERT EXISTS (SELECT FROM pg_constraint WHERE conname = 'schema_embeddings_nonzero_check' AND convalidated
                    AND conrelid = 'fieldmap.schema_embeddings'::regclass),
         'constraint schema_embeddings_nonzero_check missing or not validated';
END
$$;
ROLLBACK;
