-- Revert fieldmap:embedding_connector from pg
-- (the connectors' own HNSW indexes go with the column their predicates read)
BEGIN;
SET LOCAL ROLE fieldmap_owner;
DROP TRIGGER _35_follow_connector ON fieldmap.field_mappings;
DROP TRIGGER _20_copy_connector ON fieldmap.mapping_embeddings;
ALTER TABLE fieldmap.mapping_embeddings DROP COLUMN connector_id;
DROP FUNCTION fieldmap._follow_mapping_connector();
DROP FUNCTION fieldmap._copy_mapping_connector();
COMMIT;
