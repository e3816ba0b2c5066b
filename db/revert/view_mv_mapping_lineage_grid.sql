-- Revert fieldmap:view_mv_mapping_lineage_grid from pg
BEGIN;
DROP MATERIALIZED VIEW fieldmap.mv_mapping_lineage_grid;
COMMIT;
