-- fieldmap._stamp_field_mapping() -- BEFORE INSERT OR UPDATE on field_mappings
-- The database owns version, created_*, updated_*: whatever the client sends
-- is replaced. An UPDATE that changes nothing else keeps the old stamps, so
-- it bumps no version and (via the audit trigger's WHEN) writes no audit row.
-- A restore of a deleted mapping re-inserts it at the version that
-- restore_mapping_version() put in fieldmap._restore_version.
CREATE OR REPLACE FUNCTION fieldmap._stamp_field_mapping()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  v_actor uuid := nullif(current_setting('fieldmap.actor_id', true), '')::uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.version := coalesce(nullif(current_setting('fieldmap._restore_version', true), '')::integer, 1);
    NEW.created_at := now();
    NEW.created_by := v_actor;
    NEW.updated_at := NEW.created_at;
    NEW.updated_by := v_actor;
    RETURN NEW;
  END IF;

  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
    RAISE EXCEPTION 'a mapping''s id and tenant_id cannot change (mapping %)', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  NEW.version := OLD.version;
  NEW.created_at := OLD.created_at;
  NEW.created_by := OLD.created_by;
  NEW.updated_at := OLD.updated_at;
  NEW.updated_by := OLD.updated_by;
  IF NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;  -- no-op update: no new version
  END IF;
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  NEW.updated_by := v_actor;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fieldmap._stamp_field_mapping() IS
  'Internal trigger: sets version, created_at/by and updated_at/by of field_mappings from the database clock and the session context; a no-op update keeps them.';
