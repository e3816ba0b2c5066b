-- Deploy fieldmap:trigger_stamp to pg
-- requires: table_connector_definitions
-- requires: table_field_mappings
-- version, created_* and updated_* belong to the database: BEFORE triggers
-- replace whatever a client sends; a no-op update keeps them. Trigger names
-- carry a number: BEFORE triggers run in name order, and the stamp must run
-- before anything that looks at the final row.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_stamp_updated_at.sql
\ir ../triggers/_version_field_mapping.sql
REVOKE ALL ON FUNCTION fieldmap._stamp_updated_at() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._version_field_mapping() FROM PUBLIC;

CREATE TRIGGER _10_stamp BEFORE INSERT OR UPDATE ON fieldmap.connector_definitions
  FOR EACH ROW EXECUTE FUNCTION fieldmap._stamp_updated_at('created_by');
CREATE TRIGGER _10_stamp BEFORE INSERT OR UPDATE ON fieldmap.users
  FOR EACH ROW EXECUTE FUNCTION fieldmap._stamp_updated_at();
CREATE TRIGGER _10_stamp BEFORE INSERT OR UPDATE ON fieldmap.tenants
  FOR EACH ROW EXECUTE FUNCTION fieldmap._stamp_updated_at();
CREATE TRIGGER _10_version BEFORE INSERT OR UPDATE ON fieldmap.field_mappings
  FOR EACH ROW EXECUTE FUNCTION fieldmap._version_field_mapping();

COMMENT ON TRIGGER _10_stamp ON fieldmap.connector_definitions IS 'Sets created/updated stamps and created_by from the context.';
COMMENT ON TRIGGER _10_stamp ON fieldmap.users IS 'Sets created/updated stamps.';
COMMENT ON TRIGGER _10_stamp ON fieldmap.tenants IS 'Sets created/updated stamps.';
COMMENT ON TRIGGER _10_version ON fieldmap.field_mappings IS 'Sets version and stamps; a no-op update keeps them.';

COMMIT;
