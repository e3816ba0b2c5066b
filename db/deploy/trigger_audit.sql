-- Deploy fieldmap:trigger_audit to pg
-- requires: table_audit_log
-- requires: table_grid_refresh_state
-- requires: trigger_stamp
-- requires: table_field_mappings
-- requires: table_tenant_members
-- requires: table_entity_schemas
-- Every registry table is audited: inserts and deletes per statement (they
-- come in bulk, from imports). Updates of field_mappings, the hot path, are
-- audited per statement too (bulk edits); those of the small tables per row,
-- fired only when the row really changed (WHEN OLD IS DISTINCT FROM NEW): a
-- no-op update costs no call and writes nothing. Written out table by table
-- so that a diff shows every trigger.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_audit_row.sql
\ir ../triggers/_audit_mappings_updated.sql
\ir ../triggers/_audit_rows_inserted_deleted.sql
REVOKE ALL ON FUNCTION fieldmap._audit_row() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._audit_mappings_updated() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._audit_rows_inserted_deleted() FROM PUBLIC;

-- field_mappings (field_mapping)
CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.field_mappings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('field_mapping');
CREATE TRIGGER _50_audit_delete AFTER DELETE ON fieldmap.field_mappings REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('field_mapping');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.field_mappings
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_mappings_updated();
COMMENT ON TRIGGER _50_audit_insert ON fieldmap.field_mappings IS 'Audits each inserted field_mapping (created), set-based per statement.';
COMMENT ON TRIGGER _50_audit_delete ON fieldmap.field_mappings IS 'Audits each deleted field_mapping (deleted), set-based per statement.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.field_mappings IS
  'Audits each changed column of each changed mapping (updated, deprecated, validated, restored), set-based per statement.';

-- connector_definitions (connector)
CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.connector_definitions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('connector');
CREATE TRIGGER _50_audit_delete AFTER DELETE ON fieldmap.connector_definitions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('connector');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.connector_definitions
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('connector');
COMMENT ON TRIGGER _50_audit_insert ON fieldmap.connector_definitions IS 'Audits each inserted connector (created), set-based per statement.';
COMMENT ON TRIGGER _50_audit_delete ON fieldmap.connector_definitions IS 'Audits each deleted connector (deleted), set-based per statement.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.connector_definitions IS 'Audits each changed column of a connector.';

-- entity_schemas (entity_schema)
CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.entity_schemas REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('entity_schema');
CREATE TRIGGER _50_audit_delete AFTER DELETE ON fieldmap.entity_schemas REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('entity_schema');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.entity_schemas
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('entity_schema');
COMMENT ON TRIGGER _50_audit_insert ON fieldmap.entity_schemas IS 'Audits each inserted entity_schema (created), set-based per statement.';
COMMENT ON TRIGGER _50_audit_delete ON fieldmap.entity_schemas IS 'Audits each deleted entity_schema (deleted), set-based per statement.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.entity_schemas IS 'Audits each changed column of a entity_schema.';

-- users (user)
CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.users REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('user');
CREATE TRIGGER _50_audit_delete AFTER DELETE ON fieldmap.users REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('user');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.users
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('user');
COMMENT ON TRIGGER _50_audit_insert ON fieldmap.users IS 'Audits each inserted user (created), set-based per statement.';
COMMENT ON TRIGGER _50_audit_delete ON fieldmap.users IS 'Audits each deleted user (deleted), set-based per statement.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.users IS 'Audits each changed column of a user.';

-- tenants (tenant)
CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.tenants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('tenant');
CREATE TRIGGER _50_audit_delete AFTER DELETE ON fieldmap.tenants REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('tenant');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.tenants
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('tenant');
COMMENT ON TRIGGER _50_audit_insert ON fieldmap.tenants IS 'Audits each inserted tenant (created), set-based per statement.';
COMMENT ON TRIGGER _50_audit_delete ON fieldmap.tenants IS 'Audits each deleted tenant (deleted), set-based per statement.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.tenants IS 'Audits each changed column of a tenant.';

-- tenant_members (tenant_member)
CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.tenant_members REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('tenant_member');
CREATE TRIGGER _50_audit_delete AFTER DELETE ON fieldmap.tenant_members REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted('tenant_member');
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.tenant_members
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row('tenant_member');
COMMENT ON TRIGGER _50_audit_insert ON fieldmap.tenant_members IS 'Audits each inserted tenant_member (created), set-based per statement.';
COMMENT ON TRIGGER _50_audit_delete ON fieldmap.tenant_members IS 'Audits each deleted tenant_member (deleted), set-based per statement.';
COMMENT ON TRIGGER _50_audit_update ON fieldmap.tenant_members IS 'Audits each changed column of a tenant_member.';

COMMIT;
