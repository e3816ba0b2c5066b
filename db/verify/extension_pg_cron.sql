-- Verify fieldmap:extension_pg_cron on pg
BEGIN;

DO $$
BEGIN
  IF current_setting('cron.database_name', true) = current_database() THEN
    ASSERT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron'),
           'this is the cron database but extension pg_cron is missing';
  END IF;
END
$$;

ROLLBACK;
