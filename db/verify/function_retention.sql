-- Verify fieldmap:function_retention on pg
BEGIN;
DO $$
BEGIN
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.purge_audit_log(integer)', 'EXECUTE'),
         'fieldmap_writer may purge the audit log';
  ASSERT (SELECT NOT prosecdef AND proconfig IS NOT NULL FROM pg_proc
           WHERE oid = 'fieldmap.purge_audit_log(integer)'::regprocedure),
         'purge_audit_log must be SECURITY INVOKER (owner only) with a pinned search_path';
END
$$;
SELECT 1 / (fieldmap.purge_audit_log(1) + 1)::integer;
ROLLBACK;
