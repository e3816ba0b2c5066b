-- Verify fieldmap:function_refresh_lineage_grid on pg
BEGIN;
SELECT 'fieldmap.refresh_lineage_grid(boolean)'::regprocedure, 'fieldmap.grid_status()'::regprocedure;
DO $$
DECLARE
  r record;
BEGIN
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.refresh_lineage_grid(boolean)', 'EXECUTE'),
         'fieldmap_writer may refresh the lineage grid';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap.grid_status()', 'EXECUTE'),
         'fieldmap_reader cannot see whether the grid is current';
  -- reworked after @v0.1.0: the grid's row count (every tenant's) is the owner's alone
  ASSERT (SELECT prosrc FROM pg_proc WHERE oid = 'fieldmap.grid_status()'::regprocedure) LIKE '%_request_is_owner()%',
         'grid_status tells app roles the row count of every tenant''s grid (the released body)';
  -- and one refresh at a time by a lock only the owner may take (the released body's advisory lock, any role's)
  ASSERT (SELECT prosrc FROM pg_proc WHERE oid = 'fieldmap.refresh_lineage_grid(boolean)'::regprocedure)
         LIKE '%FROM fieldmap.grid_refresh_state s FOR UPDATE SKIP LOCKED%',
         'refresh_lineage_grid does not lock the state row (the released body took an advisory lock, which an app role may hold)';
  -- what pg_cron runs every minute: a no-op on a fresh grid, a refresh on a
  -- stale one (never forced here: on a large registry that takes seconds)
  SELECT * INTO r FROM fieldmap.refresh_lineage_grid();
  ASSERT r.reason IN ('fresh', 'stale', 'another refresh is running') AND r.refreshed = (r.reason = 'stale'),
         format('refresh_lineage_grid answered %s', row_to_json(r));
END
$$;
ROLLBACK;
