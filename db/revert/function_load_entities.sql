-- Revert fieldmap:function_load_entities from pg
BEGIN;
DROP FUNCTION fieldmap.load_entities(json, text);
DROP FUNCTION fieldmap._entity_field_schema(text);
COMMIT;
