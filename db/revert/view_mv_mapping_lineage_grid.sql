-- Revert fieldmap:view_mv_mapping_lineage_grid from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP MATERIALIZED VIEW fieldmap.mv_mapping_lineage_grid;
COMMIT;
