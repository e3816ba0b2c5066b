-- Verify fieldmap:table_connector_definitions on pg
BEGIN;
SELECT tenant_id, id, connector_name, connector_type, description, metadata, status,
       created_at, created_by, updated_at
  FROM fieldmap.connector_definitions WHERE false;
DO $$
BEGIN
  ASSERT to_regclass('fieldmap.idx_connector_tenant_status') IS NOT NULL, 'index idx_connector_tenant_status missing';
  ASSERT has_table_privilege('fieldmap_writer', 'fieldmap.connector_definitions', 'INSERT'), 'fieldmap_writer cannot insert connectors';
  ASSERT NOT has_table_privilege('fieldmap_reader', 'fieldmap.connector_definitions', 'INSERT'), 'fieldmap_reader may insert connectors';
END
$$;
ROLLBACK;
