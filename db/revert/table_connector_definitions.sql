-- Revert fieldmap:table_connector_definitions from pg
BEGIN;
DROP TABLE fieldmap.connector_definitions;
COMMIT;
