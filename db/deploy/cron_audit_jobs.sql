-- Deploy fieldmap:cron_audit_jobs to pg
-- requires: extension_pg_cron
-- requires: function_audit_chain
-- requires: function_retention
-- In the cron database, pg_cron seals the audit chain every minute (its
-- finest granularity in 1.4) and purges past-retention rows in batches every
-- five minutes; each run is its own transaction. Jobs run as the deploying
-- user, an owner member, so they act for every tenant. Elsewhere nothing is
-- scheduled: schedule from the cron database with cron.schedule_in_database().
BEGIN;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') THEN
    PERFORM cron.schedule('fieldmap-seal-audit', '* * * * *', 'SELECT fieldmap.seal_audit_chain()');
    PERFORM cron.schedule('fieldmap-purge-audit', '*/5 * * * *', 'SELECT fieldmap.purge_audit_log(10000)');
  ELSE
    RAISE NOTICE 'no pg_cron in this database: audit jobs not scheduled (run fieldmap.seal_audit_chain() yourself or schedule it)';
  END IF;
END
$$;

COMMIT;
