-- Revert fieldmap:trigger_audit from pg
BEGIN;

DROP TRIGGER _50_audit_update ON fieldmap.tenant_members;
DROP TRIGGER _50_audit_delete ON fieldmap.tenant_members;
DROP TRIGGER _50_audit_insert ON fieldmap.tenant_members;
DROP TRIGGER _50_audit_update ON fieldmap.tenants;
DROP TRIGGER _50_audit_delete ON fieldmap.tenants;
DROP TRIGGER _50_audit_insert ON fieldmap.tenants;
DROP TRIGGER _50_audit_update ON fieldmap.users;
DROP TRIGGER _50_audit_delete ON fieldmap.users;
DROP TRIGGER _50_audit_insert ON fieldmap.users;
DROP TRIGGER _50_audit_update ON fieldmap.entity_schemas;
DROP TRIGGER _50_audit_delete ON fieldmap.entity_schemas;
DROP TRIGGER _50_audit_insert ON fieldmap.entity_schemas;
DROP TRIGGER _50_audit_update ON fieldmap.connector_definitions;
DROP TRIGGER _50_audit_delete ON fieldmap.connector_definitions;
DROP TRIGGER _50_audit_insert ON fieldmap.connector_definitions;
DROP TRIGGER _50_audit_update ON fieldmap.field_mappings;
DROP TRIGGER _50_audit_delete ON fieldmap.field_mappings;
DROP TRIGGER _50_audit_insert ON fieldmap.field_mappings;
DROP FUNCTION fieldmap._audit_rows_inserted_deleted();
DROP FUNCTION fieldmap._audit_mappings_updated();
DROP FUNCTION fieldmap._audit_row();
COMMIT;
