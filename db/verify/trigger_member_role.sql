-- Verify fieldmap:trigger_member_role on pg
BEGIN;
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_10_check_role' AND tgenabled = 'O'
                   AND tgrelid = 'fieldmap.tenant_members'::regclass),
         'trigger _10_check_role missing or disabled on tenant_members';
  ASSERT NOT has_function_privilege('public', 'fieldmap._check_member_role()', 'EXECUTE'),
         'PUBLIC may execute _check_member_role';
END
$$;
-- a membership naming a role that does not exist is refused
INSERT INTO fieldmap.tenants (slug, name) VALUES ('verify-member-role', 'probe');
DO $$
BEGIN
  INSERT INTO fieldmap.tenant_members (tenant_id, role_name)
  SELECT id, 'fieldmap_writre' FROM fieldmap.tenants WHERE slug = 'verify-member-role';
  RAISE EXCEPTION 'a membership of a role that does not exist was stored';
EXCEPTION WHEN SQLSTATE 'MR001' THEN
  NULL;
END
$$;
-- nor one of fieldmap's shared roles, which every tenant's app roles hold
DO $$
BEGIN
  INSERT INTO fieldmap.tenant_members (tenant_id, role_name)
  SELECT id, 'fieldmap_writer' FROM fieldmap.tenants WHERE slug = 'verify-member-role';
  RAISE EXCEPTION 'a membership of the shared role fieldmap_writer was stored';
EXCEPTION WHEN SQLSTATE 'MR001' THEN
  NULL;
END
$$;
ROLLBACK;
