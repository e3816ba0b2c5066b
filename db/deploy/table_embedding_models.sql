-- Deploy fieldmap:table_embedding_models to pg
-- requires: table_mapping_embeddings
-- requires: policy_tenant_isolation
-- requires: embedding_index_deferred
-- Reworked after @v0.1.0: add_embedding_model builds a new model's HNSW index
-- partial on indexed, like the indexes embedding_index_deferred rebuilt, so
-- that fieldmap embed's push of that model's vectors skips it too. The
-- tables and the other functions stand as released; their bodies are
-- included again unchanged, so that each lives in one live file.
-- Also reworked: idx_embedding_tenant_model ends with the mapping. The
-- embedding queue probes a mapping's vector on tenant, model and mapping
-- (mappings_to_embed), and the planner may take either index that begins
-- with the tenant: on (tenant, model) alone, with the tenant's vectors
-- estimated at one row, it read all of them for each mapping (0.15 ms a
-- mapping at 1,500). Now either is one lookup; a small tenant's exact
-- search reads it as before.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

DROP INDEX fieldmap.idx_embedding_tenant_model;
CREATE INDEX idx_embedding_tenant_model ON fieldmap.mapping_embeddings (tenant_id, embedding_model, field_mapping_id);
COMMENT ON INDEX fieldmap.idx_embedding_tenant_model IS
  'A tenant''s vectors of one model: the exact search of tenants too small for the HNSW index to serve well, and the embedding queue''s probe of one mapping.';

\ir ../functions/add_embedding_model.sql
\ir ../functions/default_embedding_model.sql
\ir ../triggers/_check_embedding_dims.sql

COMMIT;
