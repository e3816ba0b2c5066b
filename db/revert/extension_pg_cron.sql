-- Revert fieldmap:extension_pg_cron from pg
-- Leaves pg_cron itself in place when jobs other than fieldmap's exist.
BEGIN;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    IF EXISTS (SELECT FROM cron.job WHERE jobname NOT LIKE 'fieldmap%') THEN
      RAISE NOTICE 'pg_cron kept: it holds jobs that are not fieldmap''s';
    ELSE
      DROP EXTENSION pg_cron;
    END IF;
  END IF;
END
$$;

COMMIT;
