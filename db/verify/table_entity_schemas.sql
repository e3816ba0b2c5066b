-- Verify fieldmap:table_entity_schemas on pg
BEGIN;
SELECT id, entity_name, entity_version, schema_definition, description, created_at
  FROM fieldmap.entity_schemas WHERE false;
DO $$
BEGIN
  ASSERT to_regclass('fieldmap.idx_entity_name') IS NOT NULL, 'index idx_entity_name missing';
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.entity_schemas', 'SELECT'), 'fieldmap_reader cannot read entity_schemas';
END
$$;
ROLLBACK;
