-- fieldmap.grid_status() -> (stale, last_refresh_at, last_duration_ms, last_rows, refreshes)
-- fieldmap.refresh_lineage_grid(force boolean DEFAULT false)
--   -> (refreshed, reason, duration_ms, grid_rows)
-- The grid is stale when one of its inputs changed after the last refresh
-- began (grid_refresh_state explains how that is known without a lock in
-- the write path). refresh_lineage_grid refreshes only a stale grid, unless
-- forced; CONCURRENTLY, so readers are never blocked; one at a time (a
-- second caller is told another refresh runs). The grid spans every
-- tenant: the refresh runs in the owner's all-tenants mode. Owner only:
-- pg_cron runs it every minute (a no-op when fresh). grid_status tells an
-- app role whether the grid is current (one grid serves every tenant, so
-- "stale" may be another tenant's change), but not how many rows it holds:
-- that is every tenant's mapping count, the owner's to know.

CREATE OR REPLACE FUNCTION fieldmap.grid_status()
RETURNS TABLE (stale boolean, last_refresh_at timestamptz, last_duration_ms double precision, last_rows bigint,
               refreshes bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER  -- app roles may see whether the grid is current, not the refresh state
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(pg_sequence_last_value('fieldmap.grid_changes'::regclass), 0) > s.covered_seq
         OR EXISTS (SELECT FROM unnest(s.pending_xids) x WHERE pg_xact_status(x) = 'committed')
         OR NOT (SELECT c.relispopulated FROM pg_class c WHERE c.oid = 'fieldmap.mv_mapping_lineage_grid'::regclass),
         s.last_refresh_at, s.last_duration_ms,
         -- the grid's rows of every tenant: a count of the others' mappings, told to the owner alone
         CASE WHEN fieldmap._request_is_owner() THEN s.last_rows END,
         s.refreshes
    FROM fieldmap.grid_refresh_state s
$$;

CREATE OR REPLACE FUNCTION fieldmap.refresh_lineage_grid(force boolean DEFAULT false)
RETURNS TABLE (refreshed boolean, reason text, duration_ms double precision, grid_rows bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- The grid's query reads every tenant through the policies' all-tenants
-- branch ((tenant_id = ...) OR all-tenants mode), which the planner cannot
-- estimate: it picks nested loops that take 3 s at 1M mappings where hash
-- joins take 1 s. JIT would compile the diff queries anew every minute.
SET enable_nestloop = off
SET jit = off
SET work_mem = '256MB'  -- the concurrent refresh diffs old and new grid: in memory, not in temporary files
AS $$
DECLARE
  v_saved   text := current_setting('fieldmap._all_tenants', true);
  v_seq     bigint;
  v_self    bigint;
  v_running xid8[];
  v_started timestamptz;
  -- empty until a first refresh: restored from a dump without its data (pg_restore
  -- cannot refresh it: it runs with row_security off, and the grid's tables force RLS)
  v_populated boolean;
BEGIN
  -- a fresh grid is answered before the lock below, which writes (a
  -- transaction id, a WAL record): pg_cron asks every minute, and a
  -- read-only caller may ask too. Asked again under the lock: a refresh
  -- that committed meanwhile leaves nothing to do.
  IF NOT force AND NOT (SELECT g.stale FROM fieldmap.grid_status() g) THEN
    RETURN QUERY SELECT false, 'fresh', NULL::double precision, NULL::bigint;
    RETURN;
  END IF;
  -- one at a time: a lock on the state row it updates, which only the owner
  -- may lock. An advisory lock, which any role may take, let an app role
  -- hold it and keep every refresh out ('another refresh is running').
  PERFORM FROM fieldmap.grid_refresh_state s FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    RETURN QUERY SELECT false, 'another refresh is running', NULL::double precision, NULL::bigint;
    RETURN;
  END IF;
  IF NOT force AND NOT (SELECT g.stale FROM fieldmap.grid_status() g) THEN
    RETURN QUERY SELECT false, 'fresh', NULL::double precision, NULL::bigint;
    RETURN;
  END IF;
  SELECT c.relispopulated INTO v_populated FROM pg_class c WHERE c.oid = 'fieldmap.mv_mapping_lineage_grid'::regclass;
  -- What this refresh covers, read before REFRESH takes its snapshot: every
  -- number drawn so far, except those of transactions still running, which
  -- REFRESH will not see. A writer draws only after it has a transaction id,
  -- so those hold a lock on their id now: read them, for this database only
  -- (ids are cluster-wide; other databases' work is no change to the grid),
  -- and widen pg_locks' 32-bit ids to xid8 against this transaction's own.
  v_seq := coalesce(pg_sequence_last_value('fieldmap.grid_changes'::regclass), 0);
  v_self := pg_current_xact_id()::text::bigint;
  v_running := ARRAY(SELECT (v_self - ((v_self - l.transactionid::text::bigint) % 4294967296))::text::xid8
                       FROM pg_locks l
                       JOIN pg_stat_activity a ON a.pid = l.pid
                      WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
                        AND l.pid <> pg_backend_pid() AND a.datname = current_database());
  v_started := clock_timestamp();
  PERFORM set_config('fieldmap._all_tenants', 'on', true);
  IF v_populated THEN
    REFRESH MATERIALIZED VIEW CONCURRENTLY fieldmap.mv_mapping_lineage_grid;
  ELSE  -- CONCURRENTLY needs a populated view
    REFRESH MATERIALIZED VIEW fieldmap.mv_mapping_lineage_grid;
  END IF;
  PERFORM set_config('fieldmap._all_tenants', coalesce(v_saved, ''), true);
  UPDATE fieldmap.grid_refresh_state s
     SET covered_seq = v_seq, pending_xids = v_running, last_refresh_at = v_started,
         last_duration_ms = extract(epoch FROM clock_timestamp() - v_started) * 1000,
         last_rows = (SELECT count(*) FROM fieldmap.mv_mapping_lineage_grid), refreshes = s.refreshes + 1;
  RETURN QUERY SELECT true, CASE WHEN NOT v_populated THEN 'not populated' WHEN force THEN 'forced' ELSE 'stale' END,
                      s.last_duration_ms, s.last_rows
                 FROM fieldmap.grid_refresh_state s;
END
$$;

COMMENT ON FUNCTION fieldmap.grid_status() IS
  'Whether the lineage grid is stale (one of its inputs changed after its last refresh began), and when it was last refreshed, in how long, with how many rows (every tenant''s: told to the owner alone, NULL to app roles).';
COMMENT ON FUNCTION fieldmap.refresh_lineage_grid(boolean) IS
  'Refreshes mv_mapping_lineage_grid over every tenant, concurrently (readers are not blocked), when it is stale or when forced; records when and how long. Owner only; pg_cron runs it every minute.';
