-- Deploy fieldmap:function_load_entities to pg
-- requires: table_entity_schemas
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/_entity_field_schema.sql
\ir ../functions/load_entities.sql

-- Canonical entities are shared by every tenant: only the owner (a DBA or
-- the deploy pipeline) loads them.
REVOKE ALL ON FUNCTION fieldmap._entity_field_schema(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.load_entities(json, text) FROM PUBLIC;

COMMIT;
