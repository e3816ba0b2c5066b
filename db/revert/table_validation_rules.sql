-- Revert fieldmap:table_validation_rules from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.range_rules;
DROP TABLE fieldmap.type_compatibility;
COMMIT;
