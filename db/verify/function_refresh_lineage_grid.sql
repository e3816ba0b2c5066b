-- Verify fieldmap:function_refresh_lineage_grid on pg
BEGIN;
DO $$
BEGIN
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.refresh_lineage_grid(boolean)', 'EXECUTE'),
         'fieldmap_writer may refresh the lineage grid';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap.grid_status()', 'EXECUTE'),
         'fieldmap_reader cannot see whether the grid is current';
  ASSERT (SELECT refreshed FROM fieldmap.refresh_lineage_grid(force => true)), 'a forced refresh did not refresh';
  ASSERT NOT (SELECT stale FROM fieldmap.grid_status()), 'the grid is stale right after a refresh';
END
$$;
ROLLBACK;
