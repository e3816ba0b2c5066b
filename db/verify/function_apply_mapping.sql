-- Verify fieldmap:function_apply_mapping on pg
BEGIN;
SELECT count(*) FROM fieldmap.load_entities('{"probe": {"fields": {"probe_id": "string!", "flag": "boolean"}}}', '0.0.1');
SELECT fieldmap.set_context(fieldmap.create_tenant('verify-apply')::text);
SELECT fieldmap.import_mappings('probe_src', '{"probe": {"fields": {"probe_id": "Id", "flag": {"source": "F", "transform": "to_boolean"}}}}');
DO $$
BEGIN
  ASSERT fieldmap.apply_mapping('probe_src', 'probe', '{"Id": "1", "F": "yes", "X": 2}')
         = '{"probe_id": "1", "flag": true, "extras": {"X": 2}}', 'apply_mapping does not map a record';
  ASSERT fieldmap.apply_mapping('probe_src', 'probe', '{"Id": "1", "F": "maybe"}') ? '_errors',
         'apply_mapping does not report a bad value';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap.apply_mapping(text, text, jsonb)', 'EXECUTE'),
         'fieldmap_reader cannot apply mappings';
END
$$;
ROLLBACK;
