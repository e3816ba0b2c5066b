-- Deploy fieldmap:embedding_connector to pg
-- requires: table_embedding_models
-- requires: function_mapping_documents@v0.1.0 (the verify imports a probe)
-- A vector row carries its mapping's connector (kept by triggers), so a
-- search filtered on a connector reads the connector's rows alone: exactly
-- when it has few, through an HNSW index of its own (vector_index_plan)
-- when it has many.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_embedding_connector.sql
REVOKE ALL ON FUNCTION fieldmap._copy_mapping_connector(), fieldmap._follow_mapping_connector() FROM PUBLIC;

-- The vectors already stored get their connectors in one rewrite of the
-- table (ALTER COLUMN ... USING), which rebuilds its indexes once: an UPDATE
-- of every row would insert each vector into the HNSW indexes again, about
-- a millisecond a row, and leave the table twice its size. The rewrite reads
-- every tenant's mappings: the owner's all-tenants mode, for this
-- transaction only; the HNSW rebuild gets at least 512MB to build in memory
-- (100,000 vectors: 87 s with 64MB, 32 s with 512MB). The table is locked
-- (ACCESS EXCLUSIVE) meanwhile: search waits.
SELECT set_config('fieldmap._all_tenants', 'on', true) IS NOT NULL AS all_tenants \gset
SELECT set_config('maintenance_work_mem',
                  greatest(pg_size_bytes(current_setting('maintenance_work_mem')), pg_size_bytes('512MB')) / 1024 || 'kB',
                  true) IS NOT NULL AS enough_memory \gset
CREATE FUNCTION fieldmap._mapping_connector_once(tenant uuid, mapping uuid) RETURNS uuid
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  AS $$ SELECT f.connector_id FROM fieldmap.field_mappings f WHERE f.tenant_id = tenant AND f.id = mapping $$;
ALTER TABLE fieldmap.mapping_embeddings ADD COLUMN connector_id uuid;
ALTER TABLE fieldmap.mapping_embeddings
  ALTER COLUMN connector_id TYPE uuid USING fieldmap._mapping_connector_once(tenant_id, field_mapping_id),
  ALTER COLUMN connector_id SET NOT NULL;
DROP FUNCTION fieldmap._mapping_connector_once(uuid, uuid);
SELECT set_config('fieldmap._all_tenants', '', true) IS NOT NULL AS one_tenant_again \gset
COMMENT ON COLUMN fieldmap.mapping_embeddings.connector_id IS
  'The connector of the mapping (set by the database, whatever a client writes): what a search''s connector filter reads.';

CREATE TRIGGER _20_copy_connector BEFORE INSERT OR UPDATE OF field_mapping_id, connector_id
  ON fieldmap.mapping_embeddings FOR EACH ROW EXECUTE FUNCTION fieldmap._copy_mapping_connector();
COMMENT ON TRIGGER _20_copy_connector ON fieldmap.mapping_embeddings IS
  'Sets the row''s connector_id to its mapping''s.';
CREATE TRIGGER _35_follow_connector AFTER UPDATE OF connector_id ON fieldmap.field_mappings
  FOR EACH ROW WHEN (OLD.connector_id IS DISTINCT FROM NEW.connector_id)
  EXECUTE FUNCTION fieldmap._follow_mapping_connector();
COMMENT ON TRIGGER _35_follow_connector ON fieldmap.field_mappings IS
  'Moves a mapping''s vectors to the connector the mapping was moved to.';

-- the exact search of a connector too small for an index of its own
CREATE INDEX idx_embedding_connector_model ON fieldmap.mapping_embeddings (tenant_id, connector_id, embedding_model);
COMMENT ON INDEX fieldmap.idx_embedding_connector_model IS
  'A connector''s vectors of one model: the exact search of a connector filter that keeps few rows.';

COMMIT;
