-- Revert fieldmap:table_field_mappings from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.field_mappings;
COMMIT;
