-- fieldmap.add_embedding_model(name text, dims integer, description text DEFAULT NULL) -> text (the index)
-- A model whose vectors the registry stores, with its own HNSW index:
-- pgvector indexes a fixed dimension, so each model's index is on a cast to
-- its dimension and partial on the model, and on indexed: a vector
-- fieldmap embed stores enters it later (embedding_index_deferred). Two models (an old and a new one
-- during a change, or 384-d MiniLM beside 1536-d ada-002) then live side by
-- side. Owner only (it builds an index); adding a known model again with the
-- same dimension does nothing.
CREATE OR REPLACE FUNCTION fieldmap.add_embedding_model(name text, dims integer, description text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_known integer;
  v_index text := 'idx_embedding_hnsw_' || left(md5(name), 12);
BEGIN
  IF name IS NULL OR btrim(name) = '' OR length(name) > 100 THEN
    RAISE EXCEPTION 'a model needs a name of 1 to 100 characters' USING ERRCODE = 'MR001';
  END IF;
  IF dims IS NULL OR dims NOT BETWEEN 1 AND 2000 THEN
    RAISE EXCEPTION 'model "%": % dimensions; HNSW indexes take 1 to 2000', name, dims USING ERRCODE = 'MR001';
  END IF;
  SELECT m.dims INTO v_known FROM fieldmap.embedding_models m WHERE m.name = add_embedding_model.name;
  IF v_known IS NOT NULL AND v_known <> dims THEN
    RAISE EXCEPTION 'model "%" is registered with % dimensions, not %', name, v_known, dims USING ERRCODE = 'MR005';
  END IF;
  IF v_known IS NOT NULL THEN  -- known: its index stands (MiniLM's predates this function and has its own name)
    SELECT i.indexname INTO v_index FROM pg_indexes i
     WHERE i.schemaname = 'fieldmap' AND i.tablename = 'mapping_embeddings' AND i.indexdef LIKE '%USING hnsw%'
       AND i.indexdef LIKE '%' || quote_literal(name) || '%'
     ORDER BY i.indexname LIMIT 1;
    IF FOUND THEN
      RETURN v_index;
    END IF;
    v_index := 'idx_embedding_hnsw_' || left(md5(name), 12);
  END IF;
  INSERT INTO fieldmap.embedding_models (name, dims, description)
  VALUES (add_embedding_model.name, add_embedding_model.dims, add_embedding_model.description)
  ON CONFLICT DO NOTHING;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON fieldmap.mapping_embeddings '
                 'USING hnsw ((embedding_vector::public.vector(%s)) public.vector_cosine_ops) '
                 'WHERE embedding_model = %L AND indexed', v_index, dims, name);
  EXECUTE format('COMMENT ON INDEX fieldmap.%I IS %L', v_index,
                 format('HNSW (cosine) over the %s-dimensional vectors of model %s. It holds the vectors already indexed (mapping_embeddings.indexed); search reads the others exactly.', dims, name));
  RETURN v_index;
END
$$;

COMMENT ON FUNCTION fieldmap.add_embedding_model(text, integer, text) IS
  'Registers an embedding model with its dimension and builds its HNSW (cosine) index on mapping_embeddings; returns the index name. Owner only.';
