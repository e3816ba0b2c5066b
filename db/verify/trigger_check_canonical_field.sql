-- Verify fieldmap:trigger_check_canonical_field on pg
BEGIN;
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_20_check_canonical_field' AND tgenabled = 'O'
                   AND tgrelid = 'fieldmap.field_mappings'::regclass),
         'trigger _20_check_canonical_field missing or disabled on field_mappings';
END
$$;
-- a mapping to a field its entity lacks is refused
INSERT INTO fieldmap.tenants (slug, name) VALUES ('verify-canonical', 'probe');
INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
SELECT id, 'probe', 'file' FROM fieldmap.tenants WHERE slug = 'verify-canonical';
SELECT count(*) FROM fieldmap.load_entities('{"verify_probe": {"fields": {"f": "string"}}}', '0.0.1');
DO $$
BEGIN
  INSERT INTO fieldmap.field_mappings
    (tenant_id, connector_id, entity_schema_id, source_table, source_field, canonical_entity, canonical_field)
  SELECT t.id, c.id, e.id, 'T', 'F', 'verify_probe', 'ff'
    FROM fieldmap.tenants t JOIN fieldmap.connector_definitions c ON c.tenant_id = t.id
    JOIN fieldmap.entity_schemas e ON e.entity_name = 'verify_probe'
   WHERE t.slug = 'verify-canonical';
  RAISE EXCEPTION 'a mapping to an unknown canonical field was stored';
EXCEPTION WHEN SQLSTATE 'MR001' THEN
  NULL;
END
$$;
ROLLBACK;
