-- Verify fieldmap:function_load_entities on pg
BEGIN;
DO $$
BEGIN
  ASSERT fieldmap._entity_field_schema('decimal')->>'x-fieldmap-type' = 'decimal', '_entity_field_schema is wrong';
  ASSERT fieldmap._entity_field_schema('nonsense') IS NULL, '_entity_field_schema accepts unknown types';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.load_entities(json, text)', 'EXECUTE'),
         'fieldmap_writer may load canonical entities';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap._entity_field_schema(text)', 'EXECUTE'),
         'fieldmap_writer may execute an internal helper';
END
$$;
-- a round trip through the real function, rolled back
DO $$
BEGIN
  ASSERT (SELECT action FROM fieldmap.load_entities('{"probe": {"fields": {"probe_id": "string!"}}}', '0.0.1'))
         = 'created', 'load_entities did not create the probe entity';
END
$$;
ROLLBACK;
