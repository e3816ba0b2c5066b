-- Deploy fieldmap:table_embedding_models to pg
-- requires: table_mapping_embeddings
-- requires: policy_tenant_isolation
-- requires: embedding_index_deferred
-- Reworked after @v0.1.0: add_embedding_model builds a new model's HNSW index
-- partial on indexed, like the indexes embedding_index_deferred rebuilt, so
-- that fieldmap embed's push of that model's vectors skips it too. The
-- tables and the other functions stand as released; their bodies are
-- included again unchanged, so that each lives in one live file.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/add_embedding_model.sql
\ir ../functions/default_embedding_model.sql
\ir ../triggers/_check_embedding_dims.sql

COMMIT;
