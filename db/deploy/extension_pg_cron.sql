-- Deploy fieldmap:extension_pg_cron to pg
-- pg_cron can only be created in the database named by cron.database_name
-- (its scheduler lives there). In any other database (test clones, a second
-- registry on the same cluster) this change records that and does nothing;
-- jobs for such databases are scheduled from the cron database with
-- cron.schedule_in_database().
BEGIN;

DO $$
BEGIN
  IF current_setting('cron.database_name', true) = current_database() THEN
    CREATE EXTENSION IF NOT EXISTS pg_cron;
  ELSE
    RAISE NOTICE 'pg_cron not created: this is not the cron database (cron.database_name = %)',
      coalesce(current_setting('cron.database_name', true), '<pg_cron not preloaded>');
  END IF;
END
$$;

COMMIT;
