-- Revert fieldmap:trigger_check_connector_name from pg
BEGIN;
SET LOCAL ROLE fieldmap_owner;

DROP TRIGGER _05_check_connector_name ON fieldmap.connector_definitions;
DROP FUNCTION fieldmap._check_connector_name();

COMMIT;
