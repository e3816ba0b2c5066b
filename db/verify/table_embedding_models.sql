-- Verify fieldmap:table_embedding_models on pg
BEGIN;
SELECT name, dims, description, created_at FROM fieldmap.embedding_models WHERE false;
SELECT embedding_model, entity_name, field_name, embedding_text, content_hash, embedding_vector, created_at
  FROM fieldmap.schema_embeddings WHERE false;
SELECT content_hash FROM fieldmap.mapping_embeddings WHERE false;
DO $$
BEGIN
  ASSERT (SELECT dims FROM fieldmap.embedding_models WHERE name = 'sentence-transformers/all-MiniLM-L6-v2') = 384,
         'the default model is not registered with 384 dimensions';
  ASSERT (SELECT dims FROM fieldmap.embedding_models WHERE name = 'text-embedding-ada-002') = 1536,
         'the seed''s 1536-dimensional model is not registered';
  ASSERT EXISTS (SELECT FROM pg_indexes WHERE schemaname = 'fieldmap' AND tablename = 'mapping_embeddings'
                    AND indexdef LIKE '%hnsw%vector(1536)%text-embedding-ada-002%'),
         'the 1536-dimensional model has no HNSW index';
  -- a probe of one mapping is one index lookup, whatever the statistics say (mappings_to_embed)
  ASSERT (SELECT pg_get_indexdef('fieldmap.idx_embedding_tenant_model'::regclass)
           LIKE '%(tenant_id, embedding_model, field_mapping_id)'),
         'idx_embedding_tenant_model does not end with the mapping';
  -- a model added later is indexed only once index_new_embeddings has set indexed (embedding_index_deferred)
  ASSERT (SELECT prosrc LIKE '%AND indexed%' FROM pg_proc WHERE oid = 'fieldmap.add_embedding_model(text, integer, text)'::regprocedure),
         'add_embedding_model builds an index not partial on indexed';
  ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_10_check_dims' AND tgenabled = 'O'
                    AND tgrelid = 'fieldmap.mapping_embeddings'::regclass),
         'trigger _10_check_dims missing or disabled on mapping_embeddings';
  ASSERT NOT has_table_privilege('fieldmap_writer', 'fieldmap.schema_embeddings', 'INSERT'),
         'fieldmap_writer may write the shared schema embeddings';
  BEGIN
    INSERT INTO fieldmap.schema_embeddings (embedding_model, entity_name, field_name, embedding_text, embedding_vector)
    VALUES ('sentence-transformers/all-MiniLM-L6-v2', 'verify', '', 'verify', '[1,2,3]');
    RAISE EXCEPTION 'a 3-dimensional vector was stored for a 384-dimensional model';
  EXCEPTION WHEN SQLSTATE 'MR001' THEN
    NULL;
  END;
END
$$;
ROLLBACK;
