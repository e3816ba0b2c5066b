-- Verify fieldmap:view_active_mappings on pg
BEGIN;
DO $$
BEGIN
  ASSERT (SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class WHERE oid = 'fieldmap.active_mappings'::regclass),
         'active_mappings must be security_invoker';
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.active_mappings', 'SELECT'), 'fieldmap_reader cannot read active_mappings';
END
$$;
SELECT fieldmap.set_context('system');
SELECT connector_name, tenant_id, id, canonical_entity, canonical_field, source_table, source_field
  FROM fieldmap.active_mappings WHERE false;
ROLLBACK;
