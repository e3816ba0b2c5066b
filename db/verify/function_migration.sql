-- Verify fieldmap:function_migration on pg
BEGIN;
DO $$
BEGIN
  ASSERT has_function_privilege('fieldmap_writer', 'fieldmap.import_mappings(text, jsonb, jsonb)', 'EXECUTE'),
         'fieldmap_writer cannot import';
  ASSERT NOT has_function_privilege('fieldmap_reader', 'fieldmap.import_mappings(text, jsonb, jsonb)', 'EXECUTE'),
         'fieldmap_reader may import';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.create_tenant(text, text, jsonb, boolean)', 'EXECUTE'),
         'fieldmap_writer may create tenants';
END
$$;
-- a real round trip, rolled back
SELECT * FROM fieldmap.load_entities('{"probe": {"fields": {"probe_id": "string!"}}}', '0.0.1');
SELECT fieldmap.create_tenant('verify-migration');
SELECT fieldmap.set_context('verify-migration');
SELECT 1/(fieldmap.import_mappings('probe_src', '{"probe": {"fields": {"probe_id": "Id"}}}')->>'created')::integer;
SELECT 1/(fieldmap.export_mappings('probe_src') = '{"probe": {"fields": {"probe_id": "Id"}}}')::integer;
SELECT 1/(count(*) = 0)::integer FROM fieldmap.compare_mappings('probe_src', '{"probe": {"fields": {"probe_id": "Id"}}}');
ROLLBACK;
