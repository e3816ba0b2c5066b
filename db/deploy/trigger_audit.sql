-- Deploy fieldmap:trigger_audit to pg
-- requires: table_mapping_audit_log
-- requires: trigger_stamp
-- requires: table_field_mappings
-- requires: table_tenant_members
-- requires: table_entity_schemas
-- The audit triggers fire only when the row really changed (WHEN OLD IS
-- DISTINCT FROM NEW): a no-op update costs no call and writes nothing.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_audit_row.sql
\ir ../triggers/_version_field_mapping.sql
\ir ../triggers/_audit_rows_inserted_deleted.sql
REVOKE ALL ON FUNCTION fieldmap._audit_row() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._version_field_mapping() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._audit_rows_inserted_deleted() FROM PUBLIC;

-- field_mappings: stamps and per-column audit of updates in one BEFORE trigger (the hot path)
CREATE TRIGGER _10_version BEFORE INSERT OR UPDATE ON fieldmap.field_mappings
  FOR EACH ROW EXECUTE FUNCTION fieldmap._version_field_mapping();

-- inserts and deletes of mappings come in bulk (imports): audited per statement
CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.field_mappings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('field_mapping');
CREATE TRIGGER _50_audit_delete AFTER DELETE ON fieldmap.field_mappings REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('field_mapping');

CREATE TRIGGER _50_audit_insert_delete AFTER INSERT OR DELETE ON fieldmap.connector_definitions
  FOR EACH ROW EXECUTE FUNCTION fieldmap._audit_row('connector');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.connector_definitions
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('connector');

CREATE TRIGGER _50_audit_insert_delete AFTER INSERT OR DELETE ON fieldmap.entity_schemas
  FOR EACH ROW EXECUTE FUNCTION fieldmap._audit_row('entity_schema');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.entity_schemas
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('entity_schema');

CREATE TRIGGER _50_audit_insert_delete AFTER INSERT OR DELETE ON fieldmap.users
  FOR EACH ROW EXECUTE FUNCTION fieldmap._audit_row('user');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.users
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('user');

-- tenants: creation and settings changes (retention!) are audited; a tenant
-- is never deleted (its audit rows reference it).
CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.tenants
  FOR EACH ROW EXECUTE FUNCTION fieldmap._audit_row('tenant');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.tenants
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('tenant');

COMMENT ON TRIGGER _50_audit_insert ON fieldmap.field_mappings IS 'Audits created mappings, set-based per statement.';
COMMENT ON TRIGGER _50_audit_delete ON fieldmap.field_mappings IS 'Audits deleted mappings, set-based per statement.';
COMMENT ON TRIGGER _10_version ON fieldmap.field_mappings IS 'Sets version and stamps; audits each changed column of an update; a no-op update keeps the stamps and writes nothing.';
-- who may act for which tenant is security configuration: audited too
CREATE TRIGGER _50_audit_insert_delete AFTER INSERT OR DELETE ON fieldmap.tenant_members
  FOR EACH ROW EXECUTE FUNCTION fieldmap._audit_row('tenant_member');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.tenant_members
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('tenant_member');
COMMENT ON TRIGGER _50_audit_insert_delete ON fieldmap.tenant_members IS 'Audits granted and withdrawn tenant memberships.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.tenant_members IS 'Audits changed tenant memberships.';

COMMENT ON TRIGGER _50_audit_insert_delete ON fieldmap.connector_definitions IS 'Audits created and deleted connectors.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.connector_definitions IS 'Audits each changed column of a connector.';
COMMENT ON TRIGGER _50_audit_insert_delete ON fieldmap.entity_schemas IS 'Audits created and deleted canonical entities (system tenant).';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.entity_schemas IS 'Audits each changed column of a canonical entity (system tenant).';
COMMENT ON TRIGGER _50_audit_insert_delete ON fieldmap.users IS 'Audits created and deleted users.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.users IS 'Audits each changed column of a user (an erasure writes one erased row).';
COMMENT ON TRIGGER _50_audit_insert ON fieldmap.tenants IS 'Audits created tenants.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.tenants IS 'Audits each changed column of a tenant, settings included.';

COMMIT;
