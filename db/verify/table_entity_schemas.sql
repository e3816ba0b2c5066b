-- Verify fieldmap:table_entity_schemas on pg
BEGIN;
SELECT id, entity_name, entity_version, schema_definition, description, created_at
  FROM fieldmap.entity_schemas WHERE false;
DO $$
BEGIN
  ASSERT (SELECT indisunique FROM pg_index WHERE indexrelid = to_regclass('fieldmap.unique_entity_version')),
         'unique index unique_entity_version (entity_name, entity_version) missing';
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.entity_schemas', 'SELECT'), 'fieldmap_reader cannot read entity_schemas';
END
$$;
ROLLBACK;
