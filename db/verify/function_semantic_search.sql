-- Verify fieldmap:function_semantic_search on pg
BEGIN;
SELECT count(*) FROM fieldmap.load_entities('{"verify_probe": {"fields": {"verify_probe_id": "string!", "flag": "boolean"}}}', '0.0.1');
SELECT fieldmap.set_context(fieldmap.create_tenant('verify-search')::text);
SELECT fieldmap.import_mappings('probe_src', '{"verify_probe": {"fields": {"flag": "IsFlag", "verify_probe_id": "Id"}}}');
SELECT fieldmap.add_embedding_model('verify-3d', 3);
INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text, embedding_vector, embedding_model)
SELECT f.tenant_id, f.id, fieldmap.embedding_text(f.source_table, f.source_field),
       CASE f.source_field WHEN 'Id' THEN '[1,0,0]' ELSE '[0,1,0]' END::public.vector, 'verify-3d'
  FROM fieldmap.field_mappings f;
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM pg_indexes WHERE schemaname = 'fieldmap' AND indexname = 'idx_mapping_approved_canonical'),
         'index idx_mapping_approved_canonical is missing';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap._vector_index_name(text, uuid, uuid)', 'EXECUTE')
     AND has_function_privilege('fieldmap_reader', 'fieldmap._vector_index_stands(text)', 'EXECUTE'),
         'the reader may not call the helpers that find an index of the tenant''s own';
  ASSERT fieldmap._vector_index_name('m', '00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000000b')
         = 'idx_connector_hnsw_' || left(md5('m'), 8) || '_0000000000000000000000000000000b',
         '_vector_index_name does not name a connector''s index';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap.search_similar(public.vector, integer, jsonb)', 'EXECUTE')
     AND NOT has_function_privilege('fieldmap_auditor', 'fieldmap.search_similar(public.vector, integer, jsonb)', 'EXECUTE'),
         'search_similar is not granted to the reader alone of the read-only roles';
  ASSERT (SELECT source_field FROM fieldmap.search_similar('[0.9,0.1,0]', 1, '{"model": "verify-3d"}')) = 'Id',
         'search_similar does not find the nearest mapping';
  ASSERT (SELECT source_field FROM fieldmap.search_similar('[0.9,0.1,0]', 1,
                                                           '{"model": "verify-3d", "status": "active"}')) = 'Id',
         'search_similar with a mapping filter does not find the nearest mapping';
  BEGIN
    PERFORM fieldmap.search_similar('[1,0,0]', 1, '{"conector": "x"}');
    RAISE EXCEPTION 'an unknown filter was accepted';
  EXCEPTION WHEN SQLSTATE 'MR001' THEN
    ASSERT SQLERRM LIKE 'unknown filter "conector"%', 'search_similar does not name the unknown filter: ' || SQLERRM;
  END;
END
$$;
ROLLBACK;
