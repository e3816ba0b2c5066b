-- Revert fieldmap:function_refresh_lineage_grid from pg
BEGIN;
DROP FUNCTION fieldmap.refresh_lineage_grid(boolean);
DROP FUNCTION fieldmap.grid_status();
COMMIT;
