-- Revert fieldmap:cron_audit_jobs from pg
BEGIN;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    PERFORM cron.unschedule(jobid) FROM cron.job
      WHERE jobname IN ('fieldmap-seal-audit', 'fieldmap-purge-audit') AND database = current_database();
  END IF;
END
$$;

COMMIT;
