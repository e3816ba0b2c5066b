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
-- a membership whose role was dropped grants nothing and stops no one: the
-- role is looked up by to_regrole (NULL when gone), never handed to
-- pg_has_role by name, which raises. (Read from the body: a behavioural
-- probe would need CREATE ROLE, which a managed-service deployer may lack;
-- tests/test_isolation.py drops a real role.)
DO $$
BEGIN
  ASSERT (SELECT prosrc FROM pg_proc WHERE oid = 'fieldmap._may_act_for(uuid)'::regprocedure) LIKE '%to_regrole(%',
         '_may_act_for gives pg_has_role a role by name, which raises once the role is dropped';
END
$$;
-- a misspelt tenant gets a did-you-mean (the deployer is the owner, told of every tenant)
DO $$
BEGIN
  PERFORM fieldmap.set_context('systen');
  RAISE EXCEPTION 'set_context accepted the unknown tenant "systen"';
EXCEPTION WHEN SQLSTATE 'MR002' THEN
  ASSERT SQLERRM LIKE '%did you mean "system"%', 'an unknown tenant gets no did-you-mean: ' || SQLERRM;
END
$$;
ROLLBACK;
