-- Verify fieldmap:trigger_check_connector_name on pg
BEGIN;
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_05_check_connector_name' AND tgenabled = 'O'
                   AND tgrelid = 'fieldmap.connector_definitions'::regclass),
         'trigger _05_check_connector_name missing or disabled on connector_definitions';
END
$$;
-- a connector name that is no handle (a path) is refused
INSERT INTO fieldmap.tenants (slug, name) VALUES ('verify-connector-name', 'probe');
DO $$
BEGIN
  INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
  SELECT id, '../probe', 'file' FROM fieldmap.tenants WHERE slug = 'verify-connector-name';
  RAISE EXCEPTION 'a connector name that is no handle was stored';
EXCEPTION WHEN SQLSTATE 'MR001' THEN
  NULL;
END
$$;
ROLLBACK;
