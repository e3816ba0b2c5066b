-- Verify fieldmap:cron_audit_jobs on pg
BEGIN;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    ASSERT EXISTS (SELECT FROM cron.job WHERE jobname = 'fieldmap-seal-audit' AND active
                     AND command LIKE '%seal_audit_chain%'), 'pg_cron job fieldmap-seal-audit missing';
    ASSERT EXISTS (SELECT FROM cron.job WHERE jobname = 'fieldmap-purge-audit' AND active
                     AND command LIKE '%purge_audit_log%'), 'pg_cron job fieldmap-purge-audit missing';
  END IF;
END
$$;

ROLLBACK;
