-- Revert fieldmap:table_mapping_embeddings from pg
BEGIN;
DROP TABLE fieldmap.mapping_embeddings;
COMMIT;
