-- Deploy fieldmap:function_cron_jobs to pg
-- requires: function_audit_chain
-- requires: function_retention
-- requires: function_refresh_lineage_grid
-- requires: function_validation
-- requires: embedding_index_deferred
-- The list of pg_cron jobs, defined once (fieldmap.cron_jobs()); the glue
-- installs it into pg_cron wherever pg_cron runs. Nothing is scheduled by a
-- deploy: jobs belong to the database pg_cron serves, which may be another.
-- Reworked after @v0.1.0: a job indexes the vectors fieldmap embed stored
-- unindexed (index_new_embeddings_for, every minute, committing each batch).
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/cron_jobs.sql
REVOKE ALL ON FUNCTION fieldmap.cron_jobs() FROM PUBLIC;

COMMIT;
