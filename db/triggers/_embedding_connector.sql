-- fieldmap._copy_mapping_connector(): BEFORE INSERT OR UPDATE OF
-- field_mapping_id, connector_id ON mapping_embeddings, per row.
-- fieldmap._follow_mapping_connector(): AFTER UPDATE OF connector_id ON
-- field_mappings, per row, when it changed.
-- A vector row carries its mapping's connector so that a search filtered on
-- a connector is a condition on the vector's own row: an index of its own
-- for a large connector (vector_index_plan), an exact scan of a small one.
-- Through a join, a search of a tenant's large index for a connector holding
-- a tenth of it walked about 300 rows for 30 (11 ms, BENCHMARKS.md). The
-- copy is the database's: whatever a client writes into connector_id is
-- replaced by the mapping's, and a mapping moved to another connector moves
-- its vectors with it (the embedded text does not name the connector, so
-- the vectors themselves stay valid).

CREATE OR REPLACE FUNCTION fieldmap._copy_mapping_connector()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  SELECT f.connector_id INTO NEW.connector_id
    FROM fieldmap.field_mappings f
   WHERE f.tenant_id = NEW.tenant_id AND f.id = NEW.field_mapping_id;
  IF NOT FOUND THEN  -- said here: the NOT NULL check would speak before the foreign key
    RAISE EXCEPTION 'no mapping % in tenant % to store a vector for', NEW.field_mapping_id, NEW.tenant_id
      USING ERRCODE = 'MR004';
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap._follow_mapping_connector()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE fieldmap.mapping_embeddings e
     SET connector_id = NEW.connector_id
   WHERE e.tenant_id = NEW.tenant_id AND e.field_mapping_id = NEW.id;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fieldmap._copy_mapping_connector() IS
  'Trigger: sets a vector row''s connector_id to its mapping''s, whatever the client wrote.';
COMMENT ON FUNCTION fieldmap._follow_mapping_connector() IS
  'Trigger: moves a mapping''s vectors to the connector the mapping was moved to.';
