-- Revert fieldmap:table_grid_refresh_state from pg
BEGIN;
DROP SEQUENCE fieldmap.grid_changes;
DROP TABLE fieldmap.grid_refresh_state;
COMMIT;
