-- fieldmap._stamp_updated_at() -- BEFORE INSERT OR UPDATE on tenants, users,
-- connector_definitions: created_at/updated_at from the database clock, kept
-- by a no-op update. With the argument 'created_by', created_by is taken
-- from the session's actor on insert.
CREATE OR REPLACE FUNCTION fieldmap._stamp_updated_at()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.created_at := now();
    NEW.updated_at := NEW.created_at;
    IF TG_ARGV[0] = 'created_by' THEN
      NEW := jsonb_populate_record(NEW, jsonb_build_object(
               'created_by', nullif(current_setting('fieldmap.actor_id', true), '')));
    END IF;
    RETURN NEW;
  END IF;
  IF to_jsonb(NEW)->'id' IS DISTINCT FROM to_jsonb(OLD)->'id'
     OR to_jsonb(NEW)->'tenant_id' IS DISTINCT FROM to_jsonb(OLD)->'tenant_id' THEN
    RAISE EXCEPTION '%.id and tenant_id cannot change', TG_TABLE_NAME USING ERRCODE = 'MR001';
  END IF;
  NEW.created_at := OLD.created_at;
  NEW.updated_at := OLD.updated_at;
  IF TG_ARGV[0] = 'created_by' THEN
    NEW := jsonb_populate_record(NEW, jsonb_build_object('created_by', to_jsonb(OLD)->'created_by'));
  END IF;
  IF NEW IS NOT DISTINCT FROM OLD THEN
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fieldmap._stamp_updated_at() IS
  'Internal trigger: created_at/updated_at (and created_by with argument ''created_by'') set by the database; a no-op update keeps them.';
