-- fieldmap.index_new_embeddings(batch_size integer DEFAULT 10000) -> bigint (vectors indexed)
-- put_embeddings stores a vector unindexed (indexed = false): inserting it
-- into an HNSW index costs 1 to 3 ms of CPU here, more than encoding its text,
-- so the push of `fieldmap embed` would run at a third of the model's speed
-- (BENCHMARKS.md). Search reads unindexed vectors exactly beside the index
-- (_nearest_mappings), so they are found at once; this function adds them
-- to the HNSW indexes afterwards, batch_size at most per call (one
-- transaction: the job's 5,000 take about 15 s here), tenant by tenant (row
-- security is forced), the tenant whose vector has waited longest first, so
-- that one tenant's large push does not keep the others waiting. pg_cron
-- runs it every minute (cron_jobs). Rows a push is storing meanwhile are
-- skipped, not waited for. Owner only.
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
    UPDATE fieldmap.mapping_embeddings e SET indexed = true
     WHERE e.tenant_id = v_tenant
       AND e.id IN (SELECT n.id FROM fieldmap.mapping_embeddings n
                     WHERE n.tenant_id = v_tenant AND NOT n.indexed
                     LIMIT batch_size - v_total
                       FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_total := v_total + v_count;
  END LOOP;
  PERFORM set_config('fieldmap.tenant_id', coalesce(v_saved, ''), true);
  RETURN v_total;
END
$$;

COMMENT ON FUNCTION fieldmap.index_new_embeddings(integer) IS
  'Adds up to batch_size vectors that put_embeddings stored unindexed to the HNSW indexes (search reads them exactly until then); returns how many. pg_cron runs it every minute. Owner only.';
