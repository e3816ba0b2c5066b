-- Verify fieldmap:view_lineage_grid on pg
BEGIN;
DO $$
BEGIN
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.lineage_grid', 'SELECT'), 'fieldmap_reader cannot read lineage_grid';
  ASSERT (SELECT 'security_barrier=true' = ANY (reloptions) FROM pg_class WHERE oid = 'fieldmap.lineage_grid'::regclass),
         'lineage_grid must be a security barrier';
  ASSERT pg_get_viewdef('fieldmap.lineage_grid'::regclass) LIKE '%current_tenant_id()%',
         'lineage_grid does not filter on the session''s tenant';
END
$$;
SELECT fieldmap.set_context('system');
SELECT id, tenant_id, source_system, target_entity, target_field FROM fieldmap.lineage_grid WHERE false;
ROLLBACK;
