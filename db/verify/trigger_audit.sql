-- Verify fieldmap:trigger_audit on pg
BEGIN;
DO $$
DECLARE
  t text;
BEGIN
  ASSERT (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'fieldmap.field_mappings'::regclass AND tgenabled = 'O'
            AND tgname IN ('_10_version', '_50_audit_insert', '_50_audit_delete')) = 3,
         'versioning and audit triggers missing or disabled on field_mappings';
  ASSERT (SELECT prosecdef AND proconfig IS NOT NULL FROM pg_proc WHERE oid = 'fieldmap._version_field_mapping()'::regprocedure),
         '_version_field_mapping must be SECURITY DEFINER with a pinned search_path';
  FOREACH t IN ARRAY ARRAY['connector_definitions', 'entity_schemas', 'users', 'tenants', 'tenant_members'] LOOP
    ASSERT (SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\_50\_audit%' AND tgenabled = 'O'
              AND tgrelid = ('fieldmap.' || t)::regclass) = 3,
           format('audit triggers missing or disabled on %s', t);
  END LOOP;
  ASSERT (SELECT prosecdef AND proconfig IS NOT NULL FROM pg_proc WHERE oid = 'fieldmap._audit_row()'::regprocedure),
         '_audit_row must be SECURITY DEFINER with a pinned search_path';
  ASSERT (SELECT prosecdef AND proconfig IS NOT NULL FROM pg_proc
           WHERE oid = 'fieldmap._audit_rows_inserted_deleted()'::regprocedure),
         '_audit_rows_inserted_deleted must be SECURITY DEFINER with a pinned search_path';
END
$$;
-- real audited writes (per statement and per row), rolled back
INSERT INTO fieldmap.tenants (slug, name) VALUES ('verify-probe', 'probe');
UPDATE fieldmap.tenants SET name = 'probe 2' WHERE slug = 'verify-probe';
SELECT 1/count(*) FROM fieldmap.mapping_audit_log a JOIN fieldmap.tenants t ON t.id = a.tenant_id
 WHERE t.slug = 'verify-probe' AND a.action = 'created' AND a.object_type = 'tenant';
SELECT 1/count(*) FROM fieldmap.mapping_audit_log a JOIN fieldmap.tenants t ON t.id = a.tenant_id
 WHERE t.slug = 'verify-probe' AND a.action = 'updated' AND a.field_changed = 'name';
ROLLBACK;
