-- fieldmap.cron_jobs() -> (name, schedule, command, description)
-- The pg_cron jobs this registry needs: the one place they are defined.
-- `fieldmap cron install` makes pg_cron's jobs for this database exactly
-- these (adding, updating and removing), with cron.schedule_in_database,
-- since pg_cron may run in another database of the server
-- (cron.database_name). Names carry the database, so two registries on one
-- server keep their own jobs. pg_cron 1.4 schedules by the minute at best.
-- A command that commits (CALL index_new_embeddings_for) must stay a
-- statement of its own: pg_cron runs several in one transaction block.
CREATE OR REPLACE FUNCTION fieldmap.cron_jobs()
RETURNS TABLE (name text, schedule text, command text, description text)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT format('fieldmap-%s@%s', j.name, current_database()), j.schedule, j.command, j.description
    FROM (VALUES
      ('seal-audit', '* * * * *', 'SELECT fieldmap.seal_audit_chain()',
       'appends committed audit rows to every tenant''s hash chain'),
      ('purge-audit', '*/5 * * * *', 'SELECT fieldmap.purge_audit_log(10000)',
       'deletes audit rows past their tenant''s retention, 10,000 at a time'),
      ('refresh-grid', '* * * * *', 'SELECT * FROM fieldmap.refresh_lineage_grid()',
       'refreshes the lineage grid when a change made it stale (a no-op when fresh)'),
      ('index-embeddings', '* * * * *', 'CALL fieldmap.index_new_embeddings_for(50, 500)',
       'adds the vectors fieldmap embed stored to the HNSW indexes, for up to 50 s a minute, committing every 500'),
      ('validate', '17 3 * * *', 'SELECT * FROM fieldmap.validate_all_tenants()',
       're-validates every tenant''s active mappings on their stored samples, nightly')
    ) AS j(name, schedule, command, description)
$$;

COMMENT ON FUNCTION fieldmap.cron_jobs() IS
  'The pg_cron jobs the registry needs (name with the database, schedule, command, what it does); `fieldmap cron install` makes pg_cron''s jobs for this database exactly these.';
