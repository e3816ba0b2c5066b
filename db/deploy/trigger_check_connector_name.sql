-- Deploy fieldmap:trigger_check_connector_name to pg
-- requires: table_connector_definitions
-- requires: domain_handle
-- A connector's name must be a handle, from any client. A registry that
-- already holds other names is refused here, naming them: each is renamed
-- first (UPDATE fieldmap.connector_definitions SET connector_name = ...),
-- since its file could not be written safely.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

DO $$
DECLARE
  v_bad text;
BEGIN
  PERFORM set_config('fieldmap._all_tenants', 'on', true);  -- the owner reads every tenant's connectors
  SELECT string_agg(format('%L', c.connector_name), ', ' ORDER BY c.connector_name) INTO v_bad
    FROM fieldmap.connector_definitions c WHERE NOT fieldmap.is_handle(c.connector_name);
  PERFORM set_config('fieldmap._all_tenants', '', true);
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'connector names that are not handles: %', v_bad
      USING HINT = 'rename them to 1 to 63 lowercase letters, digits, _ and - (they name mapping files), then deploy again';
  END IF;
END
$$;

\ir ../triggers/_check_connector_name.sql
REVOKE ALL ON FUNCTION fieldmap._check_connector_name() FROM PUBLIC;

CREATE TRIGGER _05_check_connector_name BEFORE INSERT OR UPDATE OF connector_name
  ON fieldmap.connector_definitions FOR EACH ROW
  EXECUTE FUNCTION fieldmap._check_connector_name();
COMMENT ON TRIGGER _05_check_connector_name ON fieldmap.connector_definitions IS
  'Refuses a connector name that is not a handle (it names the connector''s mapping file), from any client.';

COMMIT;
