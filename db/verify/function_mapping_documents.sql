-- Verify fieldmap:function_mapping_documents on pg
BEGIN;
DO $$
DECLARE
  f text;
BEGIN
  ASSERT has_function_privilege('fieldmap_writer', 'fieldmap._is_canonical_target(jsonb, text)', 'EXECUTE'),
         'fieldmap_writer cannot check a target (the canonical-field trigger would refuse its writes)';
  ASSERT has_function_privilege('fieldmap_writer',
           'fieldmap.import_mappings(text, jsonb, text, boolean, boolean, text, text, text, text, boolean)', 'EXECUTE'),
         'fieldmap_writer cannot import';
  ASSERT NOT has_function_privilege('fieldmap_reader',
           'fieldmap.import_mappings(text, jsonb, text, boolean, boolean, text, text, text, text, boolean)', 'EXECUTE'),
         'fieldmap_reader may import';
  FOREACH f IN ARRAY ARRAY['fieldmap.parse_mapping_doc(jsonb, text)', 'fieldmap.plan_import(text, jsonb, text, text)',
                           'fieldmap.import_mappings(text, jsonb, text, boolean, boolean, text, text, text, text, boolean)',
                           'fieldmap.export_mappings(text)', 'fieldmap.compare_mappings(text, jsonb, text)'] LOOP
    ASSERT NOT (SELECT prosecdef FROM pg_proc WHERE oid = f::regprocedure), format('%s must be SECURITY INVOKER', f);
  END LOOP;
END
$$;
-- a real round trip, rolled back
SELECT * FROM fieldmap.load_entities('{"probe": {"fields": {"probe_id": "string!"}}}', '0.0.1');
SELECT fieldmap.create_tenant('verify-migration');
SELECT fieldmap.set_context('verify-migration');
DO $$
DECLARE
  doc jsonb := '{"probe": {"fields": {"probe_id": "Id"}}}';
BEGIN
  ASSERT (fieldmap.import_mappings('probe_src', doc)->>'created')::integer = 1, 'import created nothing';
  ASSERT fieldmap.export_mappings('probe_src') = doc, 'export does not give the import back';
  ASSERT NOT EXISTS (SELECT FROM fieldmap.compare_mappings('probe_src', doc)), 'compare finds differences';
  -- a rag guess, then corrected by hand: the new source is the import's, with its confidence
  PERFORM fieldmap.import_mappings('probe_src', '{"probe": {"fields": {"probe_id": {"source": "Guess", "confidence": 0.3}}}}',
                                   mapping_source => 'rag');
  PERFORM fieldmap.import_mappings('probe_src', doc);
  ASSERT (SELECT (mapping_source, confidence_score) = ('manual', 1.0) FROM fieldmap.field_mappings
           WHERE canonical_entity = 'probe' AND status = 'active'),
         'a mapping given a new source kept the replaced source''s provenance or confidence';
END
$$;
ROLLBACK;
