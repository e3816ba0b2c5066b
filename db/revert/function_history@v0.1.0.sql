-- Revert fieldmap:function_history from pg
BEGIN;
DROP FUNCTION fieldmap.find_mapping(text, text);
DROP FUNCTION fieldmap.restore_mapping_version(uuid, integer);
DROP FUNCTION fieldmap.mapping_as_of(uuid, timestamptz);
DROP FUNCTION fieldmap.mapping_history(uuid);
COMMIT;
