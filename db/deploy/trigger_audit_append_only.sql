-- Deploy fieldmap:trigger_audit_append_only to pg
-- requires: table_audit_chain
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_audit_append_only.sql
REVOKE ALL ON FUNCTION fieldmap._audit_append_only() FROM PUBLIC;

CREATE TRIGGER _00_append_only BEFORE UPDATE OR DELETE ON fieldmap.audit_log
  FOR EACH ROW EXECUTE FUNCTION fieldmap._audit_append_only();
CREATE TRIGGER _00_append_only_truncate BEFORE TRUNCATE ON fieldmap.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_append_only();
CREATE TRIGGER _00_append_only BEFORE UPDATE OR DELETE ON fieldmap.audit_chain
  FOR EACH ROW EXECUTE FUNCTION fieldmap._audit_append_only();
CREATE TRIGGER _00_append_only_truncate BEFORE TRUNCATE ON fieldmap.audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_append_only();

COMMENT ON TRIGGER _00_append_only ON fieldmap.audit_log IS 'Refuses UPDATE and DELETE, but for purge and erasure.';
COMMENT ON TRIGGER _00_append_only_truncate ON fieldmap.audit_log IS 'Refuses TRUNCATE.';
COMMENT ON TRIGGER _00_append_only ON fieldmap.audit_chain IS 'Refuses UPDATE and DELETE, but for purge.';
COMMENT ON TRIGGER _00_append_only_truncate ON fieldmap.audit_chain IS 'Refuses TRUNCATE.';

COMMIT;
