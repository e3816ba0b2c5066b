-- Revert fieldmap:embedding_index_deferred from pg
-- The HNSW indexes are built again without the indexed condition (dropping
-- the column would drop them with it), holding every vector; the table is
-- locked meanwhile, as during the deploy.
BEGIN;
SET LOCAL ROLE fieldmap_owner;
SELECT set_config('maintenance_work_mem',
                  greatest(pg_size_bytes(current_setting('maintenance_work_mem')), pg_size_bytes('512MB')) / 1024 || 'kB',
                  true) IS NOT NULL AS enough_memory \gset

DROP PROCEDURE fieldmap.index_new_embeddings_for(integer, integer);
DROP FUNCTION fieldmap.index_new_embeddings(integer);
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
    -- the condition the deploy appended, and only it (a model's name could hold the words)
    EXECUTE regexp_replace(v_index.def, '( AND indexed\)| WHERE indexed)$', CASE WHEN v_index.def LIKE '% AND indexed)' THEN ')' ELSE '' END);
    EXECUTE format('COMMENT ON INDEX fieldmap.%I IS %L', v_index.relname,
                   replace(v_index.note, ' It holds the vectors already indexed (mapping_embeddings.indexed); search reads the others exactly.', ''));
  END LOOP;
END
$$;
DROP INDEX fieldmap.idx_embedding_unindexed;
ALTER TABLE fieldmap.mapping_embeddings DROP COLUMN indexed;

COMMIT;
