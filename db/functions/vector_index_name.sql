-- fieldmap._vector_index_name(model text, tenant uuid, connector uuid DEFAULT NULL) -> text
-- fieldmap._vector_index_stands(name text) -> boolean
-- The name of the HNSW index of a tenant's vectors of a model, or of one
-- connector's of it. The name is the index's whole record: it carries the
-- model's hash and the tenant's or connector's id, so vector_index_plan
-- finds what stands and search finds what it may read from the catalog
-- alone, and no table of indexes can disagree with it. (63 bytes at most:
-- 19 + 8 + 1 + 32.)
CREATE OR REPLACE FUNCTION fieldmap._vector_index_name(model text, tenant uuid, connector uuid DEFAULT NULL)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN connector IS NULL THEN 'idx_tenant_hnsw_' || left(md5(model), 8) || '_' || replace(tenant::text, '-', '')
              ELSE 'idx_connector_hnsw_' || left(md5(model), 8) || '_' || replace(connector::text, '-', '') END
$$;

COMMENT ON FUNCTION fieldmap._vector_index_name(text, uuid, uuid) IS
  'Internal: the name of the HNSW index of a tenant''s (or one connector''s) vectors of a model (vector_index_plan builds it; search reads it when it stands).';

CREATE OR REPLACE FUNCTION fieldmap._vector_index_stands(name text)
RETURNS boolean
LANGUAGE sql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  -- valid: a build interrupted leaves an index the planner does not read
  SELECT EXISTS (SELECT FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
                  WHERE c.relname = name AND c.relnamespace = 'fieldmap'::regnamespace AND x.indisvalid)
$$;

COMMENT ON FUNCTION fieldmap._vector_index_stands(text) IS
  'Internal: does the vector index of this name stand, built and valid, for search to read?';
