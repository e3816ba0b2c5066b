-- Revert fieldmap:table_tenant_members from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.tenant_members;
COMMIT;
