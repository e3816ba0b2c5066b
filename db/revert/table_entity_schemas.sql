-- Revert fieldmap:table_entity_schemas from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.entity_schemas;
COMMIT;
