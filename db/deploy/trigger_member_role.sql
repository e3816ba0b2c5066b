-- Deploy fieldmap:trigger_member_role to pg
-- requires: table_tenant_members
-- requires: function_closest_name
-- A tenant membership must name a role that exists.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_check_member_role.sql

CREATE TRIGGER _10_check_role BEFORE INSERT OR UPDATE OF role_name ON fieldmap.tenant_members
  FOR EACH ROW EXECUTE FUNCTION fieldmap._check_member_role();
COMMENT ON TRIGGER _10_check_role ON fieldmap.tenant_members IS
  'Refuses a membership naming a role that does not exist, with the nearest role name as a guess.';

COMMIT;
