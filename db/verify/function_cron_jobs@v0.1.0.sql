-- Verify fieldmap:function_cron_jobs on pg
BEGIN;
DO $$
BEGIN
  ASSERT (SELECT count(*) FROM fieldmap.cron_jobs()
           WHERE name IN (format('fieldmap-seal-audit@%s', current_database()),
                          format('fieldmap-refresh-grid@%s', current_database()))) = 2,
         'the seal and grid jobs are not listed';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.cron_jobs()', 'EXECUTE'),
         'fieldmap_writer may read the job list';
  ASSERT NOT EXISTS (SELECT FROM fieldmap.cron_jobs() j
                      WHERE NOT EXISTS (SELECT FROM pg_proc p
                                         WHERE p.pronamespace = 'fieldmap'::regnamespace
                                           AND p.proname = substring(j.command FROM 'fieldmap\.([a-z_]+)'))),
         'a cron job calls a function that does not exist';
END
$$;
ROLLBACK;
