-- Revert fieldmap:table_transforms from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.transforms;
COMMIT;
