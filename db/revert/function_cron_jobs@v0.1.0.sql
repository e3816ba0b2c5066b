-- Revert fieldmap:function_cron_jobs from pg
BEGIN;
DROP FUNCTION fieldmap.cron_jobs();
COMMIT;
