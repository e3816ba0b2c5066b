-- Verify fieldmap:table_users on pg
BEGIN;
SELECT tenant_id, id, email, display_name, status, created_at, updated_at FROM fieldmap.users WHERE false;
DO $$
BEGIN
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.users', 'SELECT'), 'fieldmap_reader cannot read users';
END
$$;
ROLLBACK;
