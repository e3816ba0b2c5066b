-- Revert fieldmap:trigger_grid_stale from pg
BEGIN;
DROP TRIGGER _90_mark_grid_stale ON fieldmap.users;
DROP TRIGGER _90_mark_grid_stale ON fieldmap.connector_definitions;
DROP TRIGGER _90_mark_grid_stale ON fieldmap.field_mappings;
DROP FUNCTION fieldmap._mark_grid_stale();
COMMIT;
