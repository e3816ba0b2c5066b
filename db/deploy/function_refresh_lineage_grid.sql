-- Deploy fieldmap:function_refresh_lineage_grid to pg
-- requires: view_mv_mapping_lineage_grid
-- requires: policy_tenant_isolation
-- The grid reads every tenant: its refresh runs as the owner in all-tenants
-- mode (policy all_tenants).
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/refresh_lineage_grid.sql
REVOKE ALL ON FUNCTION fieldmap.refresh_lineage_grid(boolean) FROM PUBLIC;

COMMIT;
