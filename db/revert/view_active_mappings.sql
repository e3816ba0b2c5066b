-- Revert fieldmap:view_active_mappings from pg
BEGIN;
DROP VIEW fieldmap.active_mappings;
COMMIT;
