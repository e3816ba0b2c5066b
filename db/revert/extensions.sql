-- Revert fieldmap:extensions from pg
BEGIN;

DROP EXTENSION IF EXISTS fuzzystrmatch;
DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS vector;

COMMIT;
