-- Revert fieldmap:table_tenants from pg
BEGIN;
DROP TABLE fieldmap.tenants;
COMMIT;
