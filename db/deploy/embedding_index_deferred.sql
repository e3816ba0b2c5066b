-- Deploy fieldmap:embedding_index_deferred to pg
-- requires: embedding_connector
-- A vector enters the HNSW indexes after it is stored, not while it is
-- stored: each incremental HNSW insert costs 1 to 3 ms of CPU here (3,000
-- random vectors into an empty index 9.2 s, against 1.6 s to build an index
-- over the same 3,000 after loading them; 3 to 6 s for 3,000 real ones in
-- bench_search), more than MiniLM's encode of a text on two cores, and
-- `fieldmap embed` ran at a third of the model's speed. The HNSW indexes are
-- now partial on `indexed`; put_embeddings stores with indexed = false,
-- search reads such rows exactly beside the index (a few, through
-- idx_embedding_unindexed), and index_new_embeddings sets indexed, which
-- inserts them into the indexes: pg_cron's job (index_new_embeddings_for)
-- calls it batch by batch every minute. A row any other
-- writer stores is indexed at once, as before (the default).
-- Every HNSW index is built again, the table locked meanwhile (about half a
-- minute per 100,000 vectors of 384 dimensions here); an upgrade also needs
-- `fieldmap cron install` for the new job (README, Upgrading).
BEGIN;
SET LOCAL ROLE fieldmap_owner;
SELECT set_config('maintenance_work_mem',
                  greatest(pg_size_bytes(current_setting('maintenance_work_mem')), pg_size_bytes('512MB')) / 1024 || 'kB',
                  true) IS NOT NULL AS enough_memory \gset

ALTER TABLE fieldmap.mapping_embeddings ADD COLUMN indexed boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN fieldmap.mapping_embeddings.indexed IS
  'Whether the vector is in its HNSW indexes: put_embeddings stores it unindexed (search reads it exactly meanwhile), index_new_embeddings (pg_cron) indexes it.';
CREATE INDEX idx_embedding_unindexed ON fieldmap.mapping_embeddings (tenant_id, embedding_model, connector_id)
  WHERE NOT indexed;
COMMENT ON INDEX fieldmap.idx_embedding_unindexed IS
  'The vectors not yet in an HNSW index, per tenant, model and connector: read exactly by search, and by index_new_embeddings.';

-- every HNSW index on the table (the models') built again, partial on indexed too
DO $$
DECLARE
  v_index record;
BEGIN
  FOR v_index IN
    SELECT c.relname, pg_get_indexdef(c.oid) AS def, obj_description(c.oid, 'pg_class') AS note
      FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am a ON a.oid = c.relam
     WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass AND a.amname = 'hnsw'
  LOOP
    EXECUTE format('DROP INDEX fieldmap.%I', v_index.relname);
    -- the catalog's own definition (pg_get_indexdef), with the condition added
    EXECUTE CASE WHEN v_index.def LIKE '% WHERE %' THEN v_index.def || ' AND indexed' ELSE v_index.def || ' WHERE indexed' END;
    EXECUTE format('COMMENT ON INDEX fieldmap.%I IS %L', v_index.relname,
                   v_index.note || ' It holds the vectors already indexed (mapping_embeddings.indexed); search reads the others exactly.');
  END LOOP;
END
$$;

\ir ../functions/index_new_embeddings.sql
REVOKE ALL ON FUNCTION fieldmap.index_new_embeddings(integer) FROM PUBLIC;
REVOKE ALL ON PROCEDURE fieldmap.index_new_embeddings_for(integer, integer) FROM PUBLIC;

COMMIT;
