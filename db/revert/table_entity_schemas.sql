-- Revert fieldmap:table_entity_schemas from pg
BEGIN;
DROP TABLE fieldmap.entity_schemas;
COMMIT;
