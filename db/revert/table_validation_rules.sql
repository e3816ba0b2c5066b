-- Revert fieldmap:table_validation_rules from pg
BEGIN;
DROP TABLE fieldmap.range_rules;
DROP TABLE fieldmap.type_compatibility;
COMMIT;
