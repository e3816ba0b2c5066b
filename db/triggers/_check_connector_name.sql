-- fieldmap._check_connector_name(): BEFORE INSERT OR UPDATE OF
-- connector_name on connector_definitions. A connector's name is also the
-- name of its mapping file (export, the import mirror: NAME.yaml), so it
-- must be a handle, the rule import applies to file names. Written from
-- psql it was any text: '../../x' made export write outside its
-- directory, and 'HubSpot ' a file that import refuses. A trigger, not the
-- domain fieldmap.handle as the column's type: views depend on the column
-- (a type change would drop and remake them), and check_handle's message
-- names the value and the rule where the domain's names only its check.
-- A no-op UPDATE is not checked: the deploy refuses a registry that holds
-- other names, so such a row exists only if the trigger was off.
CREATE OR REPLACE FUNCTION fieldmap._check_connector_name()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.connector_name IS NOT DISTINCT FROM OLD.connector_name THEN
    RETURN NEW;
  END IF;
  IF NEW.connector_name IS NOT NULL THEN  -- NULL: the NOT NULL constraint says so
    PERFORM fieldmap.check_handle(NEW.connector_name, 'connector name');
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fieldmap._check_connector_name() IS
  'Trigger: a connector''s name names its mapping file, so it must be a handle (1 to 63 lowercase letters, digits, _ and -).';
