-- Verify fieldmap:function_embedding_queue on pg
BEGIN;
SELECT count(*) FROM fieldmap.load_entities('{"verify_probe": {"fields": {"verify_probe_id": "string!", "flag": "boolean"}}}', '0.0.1');
SELECT fieldmap.set_context(fieldmap.create_tenant('verify-embed')::text);
SELECT fieldmap.import_mappings('probe_src', '{"verify_probe": {"fields": {"flag": "IsFlag"}}}');
DO $$
DECLARE
  p record;
BEGIN
  ASSERT has_function_privilege('fieldmap_writer', 'fieldmap.put_embeddings(text, text[], text[], text[], public.vector[])', 'EXECUTE')
     AND NOT has_function_privilege('fieldmap_reader', 'fieldmap.put_embeddings(text, text[], text[], text[], public.vector[])', 'EXECUTE'),
         'put_embeddings is not for the writer alone';
  ASSERT (SELECT missing > 0 FROM fieldmap.schema_embeddings_missing('text-embedding-ada-002')),
         'schema_embeddings_missing does not count the probe entity''s texts';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap.schema_embeddings_missing(text)', 'EXECUTE'),
         'schema_embeddings_missing is not for every app role';
  ASSERT (SELECT 'plan_cache_mode=force_custom_plan' = ANY (proconfig) FROM pg_proc
           WHERE oid = 'fieldmap.pending_embeddings(text, integer, text)'::regprocedure),
         'pending_embeddings keeps a plan made while the vectors table was smaller (plan_cache_mode)';
  ASSERT (SELECT pg_get_viewdef('fieldmap.mappings_to_embed'::regclass) NOT LIKE '%EXISTS%'),
         'mappings_to_embed joins the vectors by statistics (NOT EXISTS), not a probe per mapping';
  ASSERT EXISTS (SELECT FROM fieldmap.mappings_to_embed
                  WHERE tenant_id = fieldmap.current_tenant_id() AND embedding_model = 'text-embedding-ada-002'
                    AND source_field = 'IsFlag'),
         'mappings_to_embed does not list the probe mapping';
  SELECT * INTO p FROM fieldmap.pending_embeddings('text-embedding-ada-002', 100) WHERE kind = 'mapping';
  ASSERT p.embedding_text = 'is flag', 'pending_embeddings does not hand out a new mapping';
  ASSERT (SELECT stored FROM fieldmap.put_embeddings('text-embedding-ada-002', ARRAY['mapping'], ARRAY[p.key],
                                                     ARRAY[p.content_hash], ARRAY[array_fill(0.1, ARRAY[1536])::public.vector])) = 1,
         'put_embeddings does not store a vector';
  ASSERT NOT EXISTS (SELECT FROM fieldmap.pending_embeddings('text-embedding-ada-002', 100) WHERE kind = 'mapping'),
         'a stored vector is still pending';
  UPDATE fieldmap.field_mappings SET source_field = 'IsFlagged' WHERE id = p.key::uuid;
  ASSERT EXISTS (SELECT FROM fieldmap.pending_embeddings('text-embedding-ada-002', 100) WHERE key = p.key),
         'a renamed mapping is not pending again (trigger _30_drop_stale_embeddings)';
  BEGIN
    PERFORM fieldmap.put_embeddings('text-embedding-ada-002', ARRAY['mapping'], ARRAY[p.key], ARRAY[p.content_hash],
                                    ARRAY['[1,2,3]'::public.vector]);
    RAISE EXCEPTION 'a vector of the wrong dimension was accepted';
  EXCEPTION WHEN SQLSTATE 'MR001' THEN
    NULL;
  END;
  BEGIN  -- its cosine distance is NaN: named by put_embeddings, before the table's check
    PERFORM fieldmap.put_embeddings('text-embedding-ada-002', ARRAY['mapping'], ARRAY[p.key], ARRAY[p.content_hash],
                                    ARRAY[array_fill(0, ARRAY[1536])::public.vector]);
    RAISE EXCEPTION 'a vector of zeros was not refused with MR001';
  EXCEPTION WHEN SQLSTATE 'MR001' THEN
    NULL;
  END;
  BEGIN  -- ON CONFLICT would touch the row twice (21000)
    PERFORM fieldmap.put_embeddings('text-embedding-ada-002', ARRAY['mapping', 'mapping'], ARRAY[p.key, p.key],
                                    ARRAY[p.content_hash, p.content_hash],
                                    ARRAY[array_fill(0.1, ARRAY[1536])::public.vector, array_fill(0.2, ARRAY[1536])::public.vector]);
    RAISE EXCEPTION 'a key twice in one batch was not refused with MR001';
  EXCEPTION WHEN SQLSTATE 'MR001' THEN
    NULL;
  END;
END
$$;
ROLLBACK;
