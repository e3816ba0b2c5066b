-- Verify fieldmap:table_grid_refresh_state on pg
BEGIN;
SELECT one, covered_seq, pending_xids, last_refresh_at, last_duration_ms, last_rows, refreshes
  FROM fieldmap.grid_refresh_state WHERE false;
DO $$
BEGIN
  ASSERT (SELECT count(*) FROM fieldmap.grid_refresh_state) = 1, 'grid_refresh_state must hold one row';
  ASSERT NOT has_table_privilege('fieldmap_writer', 'fieldmap.grid_refresh_state', 'UPDATE'),
         'fieldmap_writer may update the grid''s refresh state';
  ASSERT has_sequence_privilege('fieldmap_writer', 'fieldmap.grid_changes', 'USAGE'),
         'fieldmap_writer cannot draw from fieldmap.grid_changes (its changes would not mark the grid stale)';
END
$$;
ROLLBACK;
