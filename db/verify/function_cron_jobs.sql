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
END
$$;
ROLLBACK;
