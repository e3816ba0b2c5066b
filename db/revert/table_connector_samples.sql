-- Revert fieldmap:table_connector_samples from pg
BEGIN;
DROP TABLE fieldmap.connector_samples;
COMMIT;
