-- Verify fieldmap:function_refresh_lineage_grid on pg
BEGIN;
DO $$
BEGIN
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.refresh_lineage_grid(boolean)', 'EXECUTE'),
         'fieldmap_writer may refresh the lineage grid';
END
$$;
SELECT fieldmap.refresh_lineage_grid();
ROLLBACK;
