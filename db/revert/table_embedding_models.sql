-- Revert fieldmap:table_embedding_models from pg: put back the functions released in
-- @v0.1.0 (frozen); the tables the released deploy made stand.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/add_embedding_model@v0.1.0.sql
\ir ../functions/default_embedding_model@v0.1.0.sql
\ir ../triggers/_check_embedding_dims@v0.1.0.sql

COMMIT;
