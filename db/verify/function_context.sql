-- Verify fieldmap:function_context on pg
BEGIN;
DO $$
BEGIN
  ASSERT has_function_privilege('fieldmap_writer', 'fieldmap.set_context(text, uuid, text, text, boolean)', 'EXECUTE'),
         'fieldmap_writer cannot set its context';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap._may_act_for(uuid)', 'EXECUTE'),
         'fieldmap_writer may execute an internal helper';
  ASSERT (SELECT prosecdef AND proconfig IS NOT NULL FROM pg_proc
           WHERE oid = 'fieldmap.set_context(text, uuid, text, text, boolean)'::regprocedure),
         'set_context must be SECURITY DEFINER with a pinned search_path';
  PERFORM fieldmap.set_context('system');
  ASSERT fieldmap.current_tenant_id() = '00000000-0000-0000-0000-000000000000', 'set_context did not set the tenant';
END
$$;
-- a membership whose role was dropped grants nothing and stops no one
CREATE ROLE fieldmap_verify_dropped NOLOGIN;
CREATE ROLE fieldmap_verify_app NOLOGIN IN ROLE fieldmap_reader;
INSERT INTO fieldmap.tenants (slug, name) VALUES ('verify-context', 'probe');
INSERT INTO fieldmap.tenant_members (tenant_id, role_name)
SELECT id, 'fieldmap_verify_dropped' FROM fieldmap.tenants WHERE slug = 'verify-context';
DROP ROLE fieldmap_verify_dropped;
SET LOCAL ROLE fieldmap_verify_app;
DO $$
BEGIN
  PERFORM fieldmap.set_context('verify-context');
  RAISE EXCEPTION 'a role that is no member acted for a tenant';
EXCEPTION WHEN SQLSTATE 'MR003' THEN
  NULL;  -- refused as a non-member, not failed over the dropped role
END
$$;
ROLLBACK;
