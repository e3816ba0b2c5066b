-- Revert fieldmap:table_field_mappings from pg
BEGIN;
DROP TABLE fieldmap.field_mappings;
COMMIT;
