-- Verify fieldmap:function_history on pg
BEGIN;
DO $$
BEGIN
  ASSERT has_function_privilege('fieldmap_auditor', 'fieldmap.mapping_history(uuid)', 'EXECUTE'),
         'fieldmap_auditor cannot read history';
  ASSERT has_function_privilege('fieldmap_writer', 'fieldmap.restore_mapping_version(uuid, integer)', 'EXECUTE'),
         'fieldmap_writer cannot restore';
  ASSERT NOT has_function_privilege('fieldmap_reader', 'fieldmap.restore_mapping_version(uuid, integer)', 'EXECUTE'),
         'fieldmap_reader may restore';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap.find_mapping(text, text)', 'EXECUTE'),
         'fieldmap_reader cannot find a mapping';
  PERFORM fieldmap.set_context('system');
  ASSERT NOT EXISTS (SELECT FROM fieldmap.mapping_history(gen_random_uuid())), 'history of nothing is not empty';
  ASSERT NOT EXISTS (SELECT FROM fieldmap.mapping_as_of(gen_random_uuid(), now())), 'mapping_as_of of nothing is not empty';
END
$$;
ROLLBACK;
