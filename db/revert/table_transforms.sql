-- Revert fieldmap:table_transforms from pg
BEGIN;
DROP TABLE fieldmap.transforms;
COMMIT;
