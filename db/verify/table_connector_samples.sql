-- Verify fieldmap:table_connector_samples on pg
BEGIN;
SELECT tenant_id, id, connector_id, entity, record, created_at FROM fieldmap.connector_samples WHERE false;
DO $$
BEGIN
  ASSERT (SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'fieldmap.connector_samples'::regclass),
         'row-level security is not enabled and forced on connector_samples';
  ASSERT has_table_privilege('fieldmap_writer', 'fieldmap.connector_samples', 'INSERT'), 'fieldmap_writer cannot add samples';
  ASSERT NOT has_table_privilege('fieldmap_reader', 'fieldmap.connector_samples', 'INSERT'), 'fieldmap_reader may add samples';
END
$$;
ROLLBACK;
