-- Revert fieldmap:table_connector_samples from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.connector_samples;
COMMIT;
