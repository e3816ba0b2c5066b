-- Revert fieldmap:embedding_nonzero from pg
BEGIN;
SET LOCAL ROLE fieldmap_owner;
ALTER TABLE fieldmap.schema_embeddings DROP CONSTRAINT schema_embeddings_nonzero_check;
ALTER TABLE fieldmap.mapping_embeddings DROP CONSTRAINT mapping_embeddings_nonzero_check;
COMMIT;
