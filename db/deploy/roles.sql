-- Deploy fieldmap:roles to pg
-- The four NOLOGIN group roles. Roles are cluster-wide, so creation is
-- conditional: several databases of one cluster (main, template, test clones)
-- share them. Login roles are granted membership by the DBA.
BEGIN;

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['fieldmap_owner', 'fieldmap_writer', 'fieldmap_reader', 'fieldmap_auditor'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
  -- The deploying user acts as fieldmap_owner (SET ROLE in each change); a
  -- superuser is a member implicitly, a managed-service admin needs the grant.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT fieldmap_owner TO %I', current_user);
  END IF;
END
$$;

COMMENT ON ROLE fieldmap_owner IS 'fieldmap: owns the schema and its objects; used by migrations. Not a superuser.';
COMMENT ON ROLE fieldmap_writer IS 'fieldmap: application role that reads and writes its own tenant''s registry.';
COMMENT ON ROLE fieldmap_reader IS 'fieldmap: application role that reads its own tenant''s registry.';
COMMENT ON ROLE fieldmap_auditor IS 'fieldmap: reads its own tenant''s audit trail and version history.';

COMMIT;
