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
  ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_10_version' AND tgenabled = 'O'
                   AND tgrelid = 'fieldmap.field_mappings'::regclass),
         'trigger _10_version missing or disabled on field_mappings';
  ASSERT (SELECT proconfig IS NOT NULL FROM pg_proc WHERE oid = 'fieldmap._version_field_mapping()'::regprocedure),
         '_version_field_mapping must pin search_path';
END
$$;
-- a client's version is replaced by the database's
INSERT INTO fieldmap.tenants (slug, name) VALUES ('verify-stamp', 'probe');
DO $$
BEGIN
  ASSERT (SELECT created_at = now() AND updated_at = now() FROM fieldmap.tenants WHERE slug = 'verify-stamp'),
         'the stamps of a new tenant are not the database''s';
END
$$;
ROLLBACK;
