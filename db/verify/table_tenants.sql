-- Verify fieldmap:table_tenants on pg
BEGIN;
SELECT id, slug, name, status, settings, created_at, updated_at FROM fieldmap.tenants WHERE false;
DO $$
BEGIN
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.tenants', 'SELECT'), 'fieldmap_reader cannot read tenants';
  ASSERT EXISTS (SELECT FROM fieldmap.tenants WHERE id = '00000000-0000-0000-0000-000000000000' AND slug = 'system'),
         'the system tenant is missing';
  ASSERT NOT has_table_privilege('fieldmap_writer', 'fieldmap.tenants', 'INSERT'), 'fieldmap_writer may insert tenants';
END
$$;
ROLLBACK;
