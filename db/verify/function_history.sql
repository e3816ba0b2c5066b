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
  PERFORM fieldmap.set_context('system');
  ASSERT NOT EXISTS (SELECT FROM fieldmap.mapping_history(gen_random_uuid())), 'history of nothing is not empty';
  ASSERT fieldmap.mapping_as_of(gen_random_uuid(), now()) IS NULL, 'mapping_as_of of nothing is not NULL';
END
$$;
ROLLBACK;
