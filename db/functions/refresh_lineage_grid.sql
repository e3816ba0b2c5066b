-- fieldmap.refresh_lineage_grid(concurrent boolean DEFAULT true)
-- The grid spans every tenant, and REFRESH runs its query as the view's
-- owner, whom forced row-level security confines to one tenant; so the
-- refresh declares all-tenants mode (fieldmap._all_tenants) for its own
-- transaction only.
-- SECURITY INVOKER: owner only (pg_cron, a DBA); REFRESH needs the view's owner anyway.
CREATE OR REPLACE FUNCTION fieldmap.refresh_lineage_grid(concurrent boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM set_config('fieldmap._all_tenants', 'on', true);
  IF concurrent THEN
    REFRESH MATERIALIZED VIEW CONCURRENTLY fieldmap.mv_mapping_lineage_grid;
  ELSE
    REFRESH MATERIALIZED VIEW fieldmap.mv_mapping_lineage_grid;
  END IF;
  PERFORM set_config('fieldmap._all_tenants', '', true);
END
$$;
COMMENT ON FUNCTION fieldmap.refresh_lineage_grid(boolean) IS
  'Refreshes mv_mapping_lineage_grid over every tenant (concurrently by default, so readers are not blocked). Owner only; pg_cron runs it.';
