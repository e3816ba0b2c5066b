-- Revert fieldmap:extension_pg_cron from pg
-- This registry's jobs go (they would fail every minute without it). pg_cron
-- itself stays while it holds any other job: another registry's, whose jobs
-- name their own database, or anything not fieldmap's.
BEGIN;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    PERFORM cron.unschedule(j.jobid) FROM cron.job j
      WHERE j.database = current_database() AND j.jobname LIKE 'fieldmap-%@' || current_database();
    IF EXISTS (SELECT FROM cron.job) THEN
      RAISE NOTICE 'pg_cron kept: it holds jobs of other databases or not fieldmap''s';
    ELSE
      DROP EXTENSION pg_cron;
    END IF;
  END IF;
END
$$;

COMMIT;
