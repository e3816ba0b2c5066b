-- Revert fieldmap:trigger_check_transform from pg
BEGIN;
DROP TRIGGER _20_check_transform ON fieldmap.field_mappings;
DROP FUNCTION fieldmap._check_mapping_transform();
COMMIT;
