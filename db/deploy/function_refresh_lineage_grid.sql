-- Deploy fieldmap:function_refresh_lineage_grid to pg
-- requires: view_mv_mapping_lineage_grid
-- requires: policy_tenant_isolation
-- requires: table_grid_refresh_state
-- The grid reads every tenant: its refresh runs as the owner in all-tenants
-- mode (policy all_tenants), and only when the grid is stale.
-- Reworked after @v0.1.0: grid_status's last_rows (every tenant's grid rows) is
-- told to the owner alone; an app role had read the count of the others' mappings.
-- And one refresh at a time by a lock on the state row, which only the owner
-- may lock: an app role could hold the released body's advisory lock and
-- keep every refresh out.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/refresh_lineage_grid.sql
REVOKE ALL ON FUNCTION fieldmap.refresh_lineage_grid(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.grid_status() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.grid_status() TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
