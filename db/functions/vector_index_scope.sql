-- fieldmap._exact_search_limit(per_connector boolean) -> integer
-- fieldmap._vector_index_name(model text, tenant uuid, connector uuid DEFAULT NULL) -> text
-- fieldmap._vector_index_pattern() -> text
-- fieldmap._vector_index_stands(name text) -> boolean
-- Which vectors may have an HNSW index of their own (a tenant's of a model,
-- or one connector's of it): below what size search reads them exactly
-- instead, what such an index is named, and whether it stands. Search
-- (_nearest_mappings) and the index plan (vector_index_plan) both read
-- these, so the two cannot disagree. Search calls them each time: the
-- constant ones are SQL-standard bodies, inlined into the caller (their
-- names resolved when created), and the catalog lookup is PL/pgSQL, whose
-- plan is kept; a SQL function PostgreSQL 15 cannot inline (a SET clause
-- or a sub-select stops it) is planned afresh at every call.

-- Exact search costs about 1.6 us a vector (bench_search's data: 1.1 ms
-- for 900, 15 ms for 9,000): a tenant's rows are read through an index on
-- (tenant, model), a connector's through (tenant, connector, model).
CREATE OR REPLACE FUNCTION fieldmap._exact_search_limit(per_connector boolean)
RETURNS integer
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN per_connector THEN 2500 ELSE 5000 END;

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
RETURN CASE WHEN connector IS NULL THEN 'idx_tenant_hnsw_' || left(md5(model), 8) || '_' || replace(tenant::text, '-', '')
            ELSE 'idx_connector_hnsw_' || left(md5(model), 8) || '_' || replace(connector::text, '-', '') END;

-- Its groups: tenant or connector, the model's hash, the id.
CREATE OR REPLACE FUNCTION fieldmap._vector_index_pattern()
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
RETURN '^idx_(tenant|connector)_hnsw_([0-9a-f]{8})_([0-9a-f]{32})$';

COMMENT ON FUNCTION fieldmap._exact_search_limit(boolean) IS
  'Internal: below how many vectors search reads a tenant''s (5,000) or a connector''s (2,500) exactly; an index of their own is built from there.';
COMMENT ON FUNCTION fieldmap._vector_index_pattern() IS
  'Internal: the regular expression of the names _vector_index_name gives (groups: tenant or connector, model hash, id).';
COMMENT ON FUNCTION fieldmap._vector_index_name(text, uuid, uuid) IS
  'Internal: the name of the HNSW index of a tenant''s (or one connector''s) vectors of a model (vector_index_plan builds it; search reads it when it stands).';

CREATE OR REPLACE FUNCTION fieldmap._vector_index_stands(name text)
RETURNS boolean
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- valid: a build interrupted leaves an index the planner does not read
  RETURN EXISTS (SELECT FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
                  WHERE c.relname = name AND c.relnamespace = 'fieldmap'::regnamespace AND x.indisvalid);
END
$$;

COMMENT ON FUNCTION fieldmap._vector_index_stands(text) IS
  'Internal: does the vector index of this name stand, built and valid, for search to read?';
