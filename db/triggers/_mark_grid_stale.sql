-- fieldmap._mark_grid_stale(): a statement-level trigger on the lineage
-- grid's inputs. It draws one number from grid_changes, which a sequence
-- hands out without a lock and outside the transaction: writers never wait
-- for one another or for a refresh here, and a refresh compares the last
-- number with the one it covered (see table_grid_refresh_state).
CREATE OR REPLACE FUNCTION fieldmap._mark_grid_stale()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM nextval('fieldmap.grid_changes');
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fieldmap._mark_grid_stale() IS
  'Trigger: marks the lineage grid stale (draws a number from fieldmap.grid_changes) after a statement changed one of its inputs.';
