-- Revert fieldmap:table_grid_refresh_state from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP SEQUENCE fieldmap.grid_changes;
DROP TABLE fieldmap.grid_refresh_state;
COMMIT;
