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
ROLLBACK;
