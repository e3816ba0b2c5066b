-- fieldmap.index_new_embeddings(batch_size integer DEFAULT 10000) -> bigint (vectors indexed)
-- CALL fieldmap.index_new_embeddings_for(seconds integer DEFAULT 50, batch_size integer DEFAULT 500)
-- put_embeddings stores a vector unindexed (indexed = false): inserting it
-- into an HNSW index costs 1 to 3 ms of CPU here, more than encoding its text,
-- so the push of `fieldmap embed` would run at a third of the model's speed
-- (BENCHMARKS.md). Search reads unindexed vectors exactly beside the index
-- (_nearest_mappings), so they are found at once; this function adds them
-- to the HNSW indexes afterwards, batch_size at most per call (one
-- transaction: 150 to 450 vectors a second here, fewer the more HNSW
-- indexes a vector goes into), tenant by tenant (row
-- security is forced), the tenant whose vector has waited longest first, so
-- that one tenant's large push does not keep the others waiting. Rows a
-- push is storing meanwhile are skipped, not waited for. Owner only.
CREATE OR REPLACE FUNCTION fieldmap.index_new_embeddings(batch_size integer DEFAULT 10000)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_saved  text := current_setting('fieldmap.tenant_id', true);
  v_mode   text := current_setting('fieldmap._all_tenants', true);
  v_queue  uuid[];
  v_tenant uuid;
  v_count  bigint;
  v_total  bigint := 0;
BEGIN
  IF batch_size IS NULL OR batch_size < 1 THEN
    RAISE EXCEPTION 'batch_size must be a positive number, not %', coalesce(batch_size::text, 'NULL') USING ERRCODE = 'MR001';
  END IF;
  -- the tenants with vectors waiting (idx_embedding_unindexed), read across
  -- tenants in the owner's all-tenants mode, then each in its own context
  PERFORM set_config('fieldmap._all_tenants', 'on', true);
  SELECT array_agg(w.tenant_id ORDER BY w.since, w.tenant_id) INTO v_queue
    FROM (SELECT e.tenant_id, min(e.created_at) AS since FROM fieldmap.mapping_embeddings e
           WHERE NOT e.indexed GROUP BY e.tenant_id) w;
  PERFORM set_config('fieldmap._all_tenants', coalesce(v_mode, ''), true);
  FOREACH v_tenant IN ARRAY coalesce(v_queue, ARRAY[]::uuid[]) LOOP
    EXIT WHEN v_total >= batch_size;
    PERFORM set_config('fieldmap.tenant_id', v_tenant::text, true);
    -- the batch picked once (MATERIALIZED): as an IN sub-select the planner
    -- may run it again for each row it updates, and each run, skipping the
    -- rows this statement has just updated, locks the next batch_size
    WITH picked AS MATERIALIZED (
      SELECT n.id FROM fieldmap.mapping_embeddings n
       WHERE n.tenant_id = v_tenant AND NOT n.indexed
       LIMIT batch_size - v_total
         FOR UPDATE SKIP LOCKED)
    UPDATE fieldmap.mapping_embeddings e SET indexed = true
      FROM picked p
     WHERE e.tenant_id = v_tenant AND e.id = p.id;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_total := v_total + v_count;
  END LOOP;
  PERFORM set_config('fieldmap.tenant_id', coalesce(v_saved, ''), true);
  RETURN v_total;
END
$$;

-- index_new_embeddings_for is pg_cron's job (cron_jobs), every minute: one
-- batch a transaction, committed, until none wait or `seconds` have passed.
-- As one call of 5,000 the job indexed at most 5,000 a minute, whatever
-- waited, and a rename of a mapping whose vector it held waited for all of
-- them (15 to 30 s); committing every 500, it indexes what 50 s allow
-- (7,500 to 22,500 a minute here) and holds a row for 1 to 3 s. A procedure,
-- to commit: so it has no SET clause (PostgreSQL refuses COMMIT under one)
-- and qualifies every name and operator instead. CALL it outside a
-- transaction block (psql's default): a DBA without pg_cron indexes for up
-- to an hour with CALL fieldmap.index_new_embeddings_for(3600), and its
-- notice says whether more wait.
CREATE OR REPLACE PROCEDURE fieldmap.index_new_embeddings_for(seconds integer DEFAULT 50, batch_size integer DEFAULT 500)
LANGUAGE plpgsql
AS $$
DECLARE
  v_until pg_catalog.timestamptz;
  v_count bigint;
  v_total bigint := 0;
BEGIN
  IF seconds IS NULL OR seconds OPERATOR(pg_catalog.<) 0 THEN
    RAISE EXCEPTION 'seconds must be 0 or more, not %', coalesce(seconds::pg_catalog.text, 'NULL') USING ERRCODE = 'MR001';
  END IF;
  v_until := pg_catalog.clock_timestamp() OPERATOR(pg_catalog.+) pg_catalog.make_interval(secs => seconds);
  LOOP
    v_count := fieldmap.index_new_embeddings(batch_size);  -- which refuses a batch_size under 1
    COMMIT;
    v_total := v_total OPERATOR(pg_catalog.+) v_count;
    -- fewer than a batch: none wait, but rows a push is storing (skipped), which the next call takes
    EXIT WHEN v_count OPERATOR(pg_catalog.<) batch_size
           OR pg_catalog.clock_timestamp() OPERATOR(pg_catalog.>=) v_until;
  END LOOP;
  -- a DBA calling it by hand learns whether to call it again (pg_cron does not log notices)
  RAISE NOTICE 'indexed % vectors; %', v_total,
    CASE WHEN v_count OPERATOR(pg_catalog.<) batch_size THEN 'none left to index'
         ELSE 'more wait (the time ran out): CALL it again' END;
END
$$;

COMMENT ON FUNCTION fieldmap.index_new_embeddings(integer) IS
  'Adds up to batch_size vectors that put_embeddings stored unindexed to the HNSW indexes (search reads them exactly until then), in one transaction; returns how many. Owner only.';
COMMENT ON PROCEDURE fieldmap.index_new_embeddings_for(integer, integer) IS
  'pg_cron''s job, every minute: index_new_embeddings(batch_size) and COMMIT, again, until none wait or `seconds` have passed; a notice says how many it indexed and whether more wait. CALL it outside a transaction block. Owner only.';
