-- Verify fieldmap:embedding_nonzero on pg
BEGIN;
DO $$
BEGIN
  -- the test is the self-distance: a norm test passes a vector too near zero (1e-45) whose distances are NaN
  ASSERT EXISTS (SELECT FROM pg_constraint WHERE conname = 'mapping_embeddings_nonzero_check' AND convalidated
                    AND conrelid = 'fieldmap.mapping_embeddings'::regclass
                    AND pg_get_constraintdef(oid) LIKE '%cosine_distance(embedding_vector, embedding_vector)%NaN%'),
         'constraint mapping_embeddings_nonzero_check missing, not validated, or not a self-distance test';
  ASSERT EXISTS (SELECT FROM pg_constraint WHERE conname = 'schema_embeddings_nonzero_check' AND convalidated
                    AND conrelid = 'fieldmap.schema_embeddings'::regclass
                    AND pg_get_constraintdef(oid) LIKE '%cosine_distance(embedding_vector, embedding_vector)%NaN%'),
         'constraint schema_embeddings_nonzero_check missing, not validated, or not a self-distance test';
END
$$;
ROLLBACK;
