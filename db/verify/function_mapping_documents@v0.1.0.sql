-- Verify fieldmap:function_mapping_documents on pg
BEGIN;
DO $$
DECLARE
  f text;
BEGIN
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
END
$$;
ROLLBACK;
