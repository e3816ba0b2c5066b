-- Deploy fieldmap:extensions to pg
-- pgvector (embeddings, HNSW), pg_trgm (fuzzy name matching) and
-- fuzzystrmatch (edit distance, for "did you mean" in error messages). All
-- live in public, where managed services put them too.
BEGIN;

CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch WITH SCHEMA public;

DO $$
BEGIN
  IF string_to_array((SELECT extversion FROM pg_extension WHERE extname = 'vector'), '.')::int[] < ARRAY[0,5] THEN
    RAISE EXCEPTION 'fieldmap needs pgvector >= 0.5 (HNSW); found %',
      (SELECT extversion FROM pg_extension WHERE extname = 'vector');
  END IF;
END
$$;

COMMIT;
