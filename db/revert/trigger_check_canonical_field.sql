-- Revert fieldmap:trigger_check_canonical_field from pg
BEGIN;
SET LOCAL ROLE fieldmap_owner;

DROP TRIGGER _20_check_canonical_field ON fieldmap.field_mappings;
DROP FUNCTION fieldmap._check_canonical_field();

COMMIT;
