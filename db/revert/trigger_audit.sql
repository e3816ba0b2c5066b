-- Revert fieldmap:trigger_audit from pg
BEGIN;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['field_mappings', 'connector_definitions', 'entity_schemas', 'users', 'tenants',
                           'tenant_members'] LOOP
    EXECUTE format('DROP TRIGGER _50_audit_insert ON fieldmap.%I', t);
    EXECUTE format('DROP TRIGGER _50_audit_delete ON fieldmap.%I', t);
    EXECUTE format('DROP TRIGGER IF EXISTS _50_audit_update ON fieldmap.%I', t);
  END LOOP;
END
$$;
DROP TRIGGER _10_version ON fieldmap.field_mappings;
DROP FUNCTION fieldmap._audit_mappings_updated();
DROP FUNCTION fieldmap._audit_rows_inserted_deleted();
DROP FUNCTION fieldmap._version_field_mapping();
DROP FUNCTION fieldmap._audit_row();

COMMIT;
