-- Verify fieldmap:roles on pg
BEGIN;

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['fieldmap_owner', 'fieldmap_writer', 'fieldmap_reader', 'fieldmap_auditor'] LOOP
    ASSERT (SELECT count(*) FROM pg_roles WHERE rolname = r AND NOT rolcanlogin
              AND NOT rolsuper AND NOT rolbypassrls) = 1,
           format('role %s missing, or able to log in, superuser or bypassing RLS', r);
  END LOOP;
  ASSERT pg_has_role(current_user, 'fieldmap_owner', 'MEMBER'), 'deploying user cannot act as fieldmap_owner';
END
$$;

ROLLBACK;
