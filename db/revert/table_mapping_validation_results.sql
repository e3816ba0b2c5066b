-- Revert fieldmap:table_mapping_validation_results from pg
BEGIN;
DROP TABLE fieldmap.mapping_validation_results;
COMMIT;
