-- Revert fieldmap:table_mapping_validation_results from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.mapping_validation_results;
COMMIT;
