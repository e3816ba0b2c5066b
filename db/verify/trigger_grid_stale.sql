-- Verify fieldmap:trigger_grid_stale on pg
BEGIN;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['field_mappings', 'connector_definitions', 'users'] LOOP
    ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_90_mark_grid_stale' AND tgenabled = 'O'
                     AND tgrelid = format('fieldmap.%I', t)::regclass),
           format('trigger _90_mark_grid_stale missing or disabled on %s', t);
  END LOOP;
  -- (not by running it: a number drawn in a probe stays drawn, and would
  -- leave the grid of a new registry stale)
  ASSERT pg_get_functiondef('fieldmap._mark_grid_stale()'::regprocedure) LIKE '%nextval(''fieldmap.grid_changes'')%',
         '_mark_grid_stale does not draw from fieldmap.grid_changes';
END
$$;
ROLLBACK;
