-- Revert fieldmap:table_embedding_models from pg: put back the functions released in
-- @v0.1.0 (frozen), and the released index; the tables the released deploy made stand.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

DROP INDEX fieldmap.idx_embedding_tenant_model;
CREATE INDEX idx_embedding_tenant_model ON fieldmap.mapping_embeddings (tenant_id, embedding_model);
COMMENT ON INDEX fieldmap.idx_embedding_tenant_model IS
  'A tenant''s vectors of one model: the exact search of tenants too small for the HNSW index to serve well.';

\ir ../functions/add_embedding_model@v0.1.0.sql
\ir ../functions/default_embedding_model@v0.1.0.sql
\ir ../triggers/_check_embedding_dims@v0.1.0.sql

COMMIT;
