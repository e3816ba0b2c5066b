-- Revert fieldmap:table_tenant_members from pg
BEGIN;
DROP TABLE fieldmap.tenant_members;
COMMIT;
