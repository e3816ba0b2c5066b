-- Verify fieldmap:table_tenant_members on pg
BEGIN;
SELECT tenant_id, id, role_name, created_at FROM fieldmap.tenant_members WHERE false;
DO $$
BEGIN
  ASSERT NOT has_table_privilege('fieldmap_writer', 'fieldmap.tenant_members', 'SELECT'),
         'app roles must not read tenant_members';
END
$$;
ROLLBACK;
