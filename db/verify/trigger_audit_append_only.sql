-- Verify fieldmap:trigger_audit_append_only on pg
BEGIN;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['audit_log', 'audit_chain'] LOOP
    ASSERT (SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\_00\_append\_only%' AND tgenabled = 'O'
              AND tgrelid = ('fieldmap.' || t)::regclass) = 2,
           format('append-only triggers missing or disabled on %s', t);
  END LOOP;
  BEGIN
    TRUNCATE fieldmap.audit_log;
    RAISE EXCEPTION 'TRUNCATE of the audit log was allowed';
  EXCEPTION WHEN SQLSTATE 'MR006' THEN
    NULL;
  END;
END
$$;
ROLLBACK;
