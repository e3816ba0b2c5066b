-- Deploy fieldmap:trigger_member_role to pg
-- requires: table_tenant_members
-- requires: function_closest_name
-- A tenant membership must name a role that exists, and not one of
-- fieldmap's shared roles.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_check_member_role.sql
REVOKE ALL ON FUNCTION fieldmap._check_member_role() FROM PUBLIC;

CREATE TRIGGER _10_check_role BEFORE INSERT OR UPDATE OF role_name ON fieldmap.tenant_members
  FOR EACH ROW EXECUTE FUNCTION fieldmap._check_member_role();
COMMENT ON TRIGGER _10_check_role ON fieldmap.tenant_members IS
  'Refuses a membership naming a role that does not exist (with the nearest role name as a guess) or one of fieldmap''s shared roles.';

-- memberships written before this check that it would refuse: said, not deleted (the owner decides)
DO $$
DECLARE
  v_missing text := (SELECT string_agg(DISTINCT m.role_name::text, ', ' ORDER BY m.role_name::text)
                       FROM fieldmap.tenant_members m
                      WHERE NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = m.role_name));
  v_shared  text := (SELECT string_agg(DISTINCT m.role_name::text, ', ' ORDER BY m.role_name::text)
                       FROM fieldmap.tenant_members m
                      WHERE m.role_name IN ('fieldmap_owner', 'fieldmap_writer', 'fieldmap_reader', 'fieldmap_auditor'));
BEGIN
  IF v_missing IS NOT NULL THEN
    RAISE NOTICE 'tenant memberships name roles that do not exist (typos, or dropped roles): %; they grant nothing, delete or correct them', v_missing;
  END IF;
  IF v_shared IS NOT NULL THEN
    RAISE NOTICE 'tenant memberships name fieldmap''s shared roles (%), which let every tenant''s app roles act for those tenants: replace them with roles of each tenant''s own', v_shared;
  END IF;
END
$$;

COMMIT;
