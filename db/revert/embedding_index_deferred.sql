-- Revert fieldmap:embedding_index_deferred from pg
-- The HNSW indexes are built again without the indexed condition (dropping
-- the column would drop them with it), holding every vector.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

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
    EXECUTE replace(replace(v_index.def, ' AND indexed', ''), ' WHERE indexed', '');
    EXECUTE format('COMMENT ON INDEX fieldmap.%I IS %L', v_index.relname, v_index.note);
  END LOOP;
END
$$;
DROP INDEX fieldmap.idx_embedding_unindexed;
ALTER TABLE fieldmap.mapping_embeddings DROP COLUMN indexed;

COMMIT;
