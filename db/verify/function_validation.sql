-- Verify fieldmap:function_validation on pg
BEGIN;
SELECT count(*) FROM fieldmap.load_entities('{"probe": {"fields": {"probe_id": "string!", "flag": "boolean"}}}', '0.0.1');
SELECT fieldmap.set_context(fieldmap.create_tenant('verify-validation')::text);
SELECT fieldmap.import_mappings('probe_src', '{"probe": {"fields": {"probe_id": "Id", "flag": {"source": "F", "transform": "to_boolean"}}}}');
DO $$
DECLARE
  v_id uuid := fieldmap.find_mapping('probe_src', 'probe.flag');
BEGIN
  ASSERT (SELECT count(*) FROM fieldmap.validate_mapping(v_id, '[{"Id": "1", "F": "yes"}, {"Id": "2", "F": "maybe"}]')
           WHERE validation_type = 'live_test' AND validation_status = 'failed' AND fail_count = 1) = 1,
         'validate_mapping does not catch a bad sample value';
  ASSERT (SELECT validation_status = 'failed' AND error_count = 1 FROM fieldmap.field_mappings WHERE id = v_id),
         'validate_mapping does not record its verdict on the mapping';
  ASSERT (SELECT validation_status FROM fieldmap.validate_mapping(fieldmap.find_mapping('probe_src', 'probe.probe_id'),
                                                                  '[{"Id": 1}]') WHERE validation_type = 'live_test')
         = 'failed', 'validate_mapping does not catch a value of the wrong type';
  ASSERT NOT has_function_privilege('fieldmap_reader', 'fieldmap.validate_mapping(uuid, jsonb)', 'EXECUTE'),
         'fieldmap_reader may validate (it writes results)';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.validate_all_tenants()', 'EXECUTE'),
         'fieldmap_writer may run the nightly validation of every tenant';
  PERFORM 'fieldmap.validate_mappings(text)'::regprocedure, 'fieldmap.add_samples(text, text, jsonb)'::regprocedure,
          'fieldmap.validate_all_tenants()'::regprocedure, 'fieldmap.validate_mapping_ids(uuid[], jsonb)'::regprocedure;
END
$$;
ROLLBACK;
