-- Revert fieldmap:view_lineage_grid from pg
BEGIN;
DROP VIEW fieldmap.lineage_grid;
COMMIT;
