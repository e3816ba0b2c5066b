-- fieldmap.vector_index_plan() -> (action, tenant, model, vectors, share, index_name, statement)
-- The HNSW indexes of single tenants that search needs, as the statements
-- that make the catalog match: run them one by one outside a transaction
-- (psql: SELECT statement FROM fieldmap.vector_index_plan() \gexec;
-- the CLI: fieldmap vector-indexes), since CREATE INDEX CONCURRENTLY keeps
-- writes going while an index is built and cannot run in a function.
--
-- Why: a model's index holds every tenant's vectors, and a search scans it
-- in order of distance, dropping other tenants' rows as it goes. A tenant
-- with most of the vectors finds its k at once; one with a tenth reads ten
-- rows for each it keeps (9 ms for top-10 in a 9,000-vector tenant among
-- 100,000, against 2.7 ms through an index of its own). A tenant under
-- 5,000 vectors is searched exactly (_nearest_mappings) and needs none.
-- So a tenant gets an index of its own, partial on it and the model, when
-- it has at least 5,000 vectors of the model and at most half of them; the
-- planner then prefers it, being smaller, to the model's. It keeps it
-- until it falls under 2,500 vectors or passes three quarters of the
-- model's, so that a tenant near a limit does not see its index built and
-- dropped in turn. An index left invalid by a build that was interrupted is
-- dropped and built again. Owner only: it counts every tenant's vectors.
CREATE OR REPLACE FUNCTION fieldmap.vector_index_plan()
RETURNS TABLE (action text, tenant text, model text, vectors bigint, share double precision, index_name text,
               statement text)
LANGUAGE plpgsql
VOLATILE  -- it sets fieldmap._all_tenants for its own statement
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_prefix CONSTANT text := 'idx_tenant_hnsw_';
  v_saved  text := current_setting('fieldmap._all_tenants', true);
BEGIN
  PERFORM set_config('fieldmap._all_tenants', 'on', true);
  RETURN QUERY
    WITH counts AS (
      SELECT e.tenant_id, e.embedding_model::text AS model, count(*) AS n
        FROM fieldmap.mapping_embeddings e
       WHERE e.embedding_vector IS NOT NULL
       GROUP BY 1, 2),
    sized AS (
      SELECT c.tenant_id, c.model, c.n, c.n::double precision / sum(c.n) OVER (PARTITION BY c.model) AS share,
             m.dims,
             -- the name says which tenant and model, so the catalog alone is the record
             c_prefix || left(md5(c.model), 8) || '_' || replace(c.tenant_id::text, '-', '') AS index_name
        FROM counts c
        JOIN fieldmap.embedding_models m ON m.name = c.model),
    existing AS (
      SELECT i.relname::text AS index_name, x.indisvalid AS valid
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass
         AND i.relname LIKE replace(c_prefix, '_', '\_') || '%'),
    judged AS (
      SELECT coalesce(s.index_name, x.index_name) AS index_name, s.tenant_id, s.model, s.n, s.share, s.dims,
             x.valid,
             CASE WHEN s.tenant_id IS NULL THEN false
                  WHEN x.valid THEN s.n >= 2500 AND s.share <= 0.75
                  ELSE s.n >= 5000 AND s.share <= 0.5 END AS wanted
        FROM sized s
        FULL JOIN existing x ON x.index_name = s.index_name)
    SELECT p.action, t.slug::text, j.model, j.n, j.share, j.index_name, p.statement
      FROM judged j
      LEFT JOIN fieldmap.tenants t ON t.id = j.tenant_id
     CROSS JOIN LATERAL (VALUES
       (1, 'drop', format('DROP INDEX CONCURRENTLY IF EXISTS fieldmap.%I', j.index_name),
        j.valid IS NOT NULL AND (NOT j.wanted OR NOT j.valid)),
       (2, 'create', format('CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON fieldmap.mapping_embeddings '
                            'USING hnsw ((embedding_vector::public.vector(%s)) public.vector_cosine_ops) '
                            'WHERE tenant_id = %L::uuid AND embedding_model = %L',
                            j.index_name, j.dims, j.tenant_id, j.model),
        j.wanted AND j.valid IS DISTINCT FROM true),
       (3, 'comment', format('COMMENT ON INDEX fieldmap.%I IS %L', j.index_name,
                             format('HNSW (cosine) over the %s-dimensional vectors of model %s of tenant %s only '
                                    '(fieldmap.vector_index_plan): it searches faster than the model''s index, '
                                    'which holds every tenant''s.', j.dims, j.model, t.slug)),
        j.wanted AND j.valid IS DISTINCT FROM true)
     ) AS p (step, action, statement, due)
     WHERE p.due
     ORDER BY p.step = 1 DESC, j.n DESC NULLS LAST, j.index_name, p.step;
  PERFORM set_config('fieldmap._all_tenants', coalesce(v_saved, ''), true);
END
$$;

COMMENT ON FUNCTION fieldmap.vector_index_plan() IS
  'The statements (DROP/CREATE INDEX CONCURRENTLY, COMMENT) that give each tenant with 5,000 to half of a model''s vectors an HNSW index of its own, and drop those no longer needed; run them outside a transaction (psql \gexec, or fieldmap vector-indexes). Owner only.';
