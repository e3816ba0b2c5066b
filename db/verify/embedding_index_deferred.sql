-- Verify fieldmap:embedding_index_deferred on pg
BEGIN;
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'fieldmap.mapping_embeddings'::regclass
                    AND attname = 'indexed' AND NOT attisdropped),
         'column mapping_embeddings.indexed missing';
  ASSERT to_regclass('fieldmap.idx_embedding_unindexed') IS NOT NULL, 'index idx_embedding_unindexed missing';
  -- an HNSW index that also holds unindexed rows would cost every push its 3 ms a vector again
  ASSERT NOT EXISTS (SELECT FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am a ON a.oid = c.relam
                      WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass AND a.amname = 'hnsw'
                        AND coalesce(pg_get_expr(x.indpred, x.indrelid), '') !~ '(^|\(| AND )indexed\)*$'),
         'an HNSW index on mapping_embeddings is not partial on indexed';
  ASSERT to_regprocedure('fieldmap.index_new_embeddings(integer)') IS NOT NULL, 'function index_new_embeddings missing';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.index_new_embeddings(integer)', 'EXECUTE'),
         'an app role may run index_new_embeddings (every tenant''s vectors)';
  ASSERT to_regprocedure('fieldmap.index_new_embeddings_for(integer, integer)') IS NOT NULL,
         'procedure index_new_embeddings_for missing';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.index_new_embeddings_for(integer, integer)', 'EXECUTE'),
         'an app role may run index_new_embeddings_for (every tenant''s vectors)';
END
$$;
ROLLBACK;
