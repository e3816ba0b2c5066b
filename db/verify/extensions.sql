-- Verify fieldmap:extensions on pg
BEGIN;

DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM pg_extension WHERE extname = 'vector'), 'extension vector missing';
  ASSERT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_trgm'), 'extension pg_trgm missing';
  PERFORM '[1,2,3]'::public.vector <=> '[3,2,1]'::public.vector;
  PERFORM public.similarity('opportunity', 'opportunities');
  ASSERT public.levenshtein('emial', 'email') = 2, 'fuzzystrmatch levenshtein missing or wrong';
END
$$;

ROLLBACK;
