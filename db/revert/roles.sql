-- Revert fieldmap:roles from pg
-- Roles are cluster-wide: drop each one only when no other database of the
-- cluster still holds objects or privileges of it; otherwise leave it.
BEGIN;

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['fieldmap_auditor', 'fieldmap_reader', 'fieldmap_writer', 'fieldmap_owner'] LOOP
    BEGIN
      EXECUTE format('DROP ROLE IF EXISTS %I', r);
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RAISE NOTICE 'role % kept: other databases of this cluster still use it', r;
    END;
  END LOOP;
END
$$;

COMMIT;
