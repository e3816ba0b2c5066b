-- Revert fieldmap:type_mapping_entry from pg
BEGIN;
DROP TYPE fieldmap.mapping_entry;
COMMIT;
