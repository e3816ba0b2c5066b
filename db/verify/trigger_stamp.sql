-- Verify fieldmap:trigger_stamp on pg
BEGIN;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['connector_definitions', 'users', 'tenants'] LOOP
    ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_10_stamp' AND tgenabled = 'O'
                     AND tgrelid = ('fieldmap.' || t)::regclass),
           format('trigger _10_stamp missing or disabled on %s', t);
  END LOOP;
END
$$;
ROLLBACK;
