-- Deploy fieldmap:function_retention to pg
-- requires: function_audit_chain
-- requires: trigger_audit_append_only
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/purge_audit_log.sql
REVOKE ALL ON FUNCTION fieldmap.purge_audit_log(integer) FROM PUBLIC;

COMMIT;
