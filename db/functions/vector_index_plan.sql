-- fieldmap._wants_tenant_index(vectors bigint, share float8, has_index boolean) -> boolean
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
-- rows for each it keeps (BENCHMARKS.md: a 9,000-vector tenant among
-- 100,000). A tenant under 5,000 vectors is searched exactly
-- (_nearest_mappings, which counts its rows the same way) and needs none.
-- An index stands on the catalog alone: its name carries the model's hash
-- and the tenant's id, so no table of indexes can disagree with it. An
-- invalid one (a build interrupted) is dropped and built again; so is one
-- another session is still building, which is why whoever runs the
-- statements takes the advisory lock 'fieldmap vector-indexes' first, as
-- the CLI does (README).

CREATE OR REPLACE FUNCTION fieldmap._wants_tenant_index(vectors bigint, share double precision, has_index boolean)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- A tenant gets an index of its own at 5,000 vectors of the model and at
  -- most half of them (above half, the model's index serves it as well); it
  -- keeps it down to 2,500 and up to three quarters, so that a tenant near
  -- a limit does not see its index built and dropped in turn. Between 2,500
  -- and 5,000 the index is kept but not read (the tenant is searched
  -- exactly): the price of not building it again when the tenant grows back.
  SELECT CASE WHEN has_index THEN vectors >= 2500 AND share <= 0.75
              ELSE vectors >= 5000 AND share <= 0.5 END
$$;

CREATE OR REPLACE FUNCTION fieldmap.vector_index_plan()
RETURNS TABLE (action text, tenant text, model text, vectors bigint, share double precision, index_name text,
               statement text)
LANGUAGE plpgsql
VOLATILE  -- it sets fieldmap._all_tenants for its own statement
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_saved text := current_setting('fieldmap._all_tenants', true);
BEGIN
  PERFORM set_config('fieldmap._all_tenants', 'on', true);  -- every tenant's rows, for the owner under forced RLS
  RETURN QUERY
    WITH sized AS (  -- every row, computed or pending, as _nearest_mappings counts them
      SELECT e.tenant_id, e.embedding_model::text AS model, count(*) AS n,
             count(*)::double precision / sum(count(*)) OVER (PARTITION BY e.embedding_model) AS share
        FROM fieldmap.mapping_embeddings e
       GROUP BY e.tenant_id, e.embedding_model),
    existing AS (
      SELECT i.relname::text AS index_name, x.indisvalid AS valid, obj_description(i.oid, 'pg_class') AS note,
             substr(i.relname, 26)::uuid AS tenant_id, substr(i.relname, 17, 8) AS model_hash
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass
         AND i.relname ~ '^idx_tenant_hnsw_[0-9a-f]{8}_[0-9a-f]{32}$'),
    judged AS (
      SELECT m.name::text AS model, m.dims, coalesce(s.tenant_id, x.tenant_id) AS tenant_id, coalesce(s.n, 0) AS n,
             s.share, x.valid, x.note,
             coalesce(x.index_name, 'idx_tenant_hnsw_' || left(md5(s.model), 8) || '_' || replace(s.tenant_id::text, '-', ''))
               AS index_name,
             coalesce(fieldmap._wants_tenant_index(s.n, s.share, coalesce(x.valid, false)), false) AS wanted
        FROM sized s
        FULL JOIN existing x ON x.tenant_id = s.tenant_id AND x.model_hash = left(md5(s.model), 8)
        LEFT JOIN fieldmap.embedding_models m
          ON m.name = coalesce(s.model, (SELECT em.name FROM fieldmap.embedding_models em
                                          WHERE left(md5(em.name), 8) = x.model_hash LIMIT 1))),
    described AS (
      SELECT j.*, coalesce(t.slug::text, j.tenant_id::text) AS slug,
             format('HNSW (cosine) over the %s-dimensional vectors of model %s of tenant %s only '
                    '(fieldmap.vector_index_plan): it searches faster than the model''s index, which holds '
                    'every tenant''s.', j.dims, j.model, coalesce(t.slug::text, j.tenant_id::text)) AS wanted_note
        FROM judged j
        LEFT JOIN fieldmap.tenants t ON t.id = j.tenant_id)
    SELECT p.action, d.slug, d.model, d.n, d.share, d.index_name, p.statement
      FROM described d
     CROSS JOIN LATERAL (VALUES
       (1, 'drop', format('DROP INDEX CONCURRENTLY IF EXISTS fieldmap.%I', d.index_name),
        d.valid IS NOT NULL AND (NOT d.wanted OR NOT d.valid)),
       (2, 'create', format('CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON fieldmap.mapping_embeddings '
                            'USING hnsw ((embedding_vector::public.vector(%s)) public.vector_cosine_ops) '
                            'WHERE tenant_id = %L::uuid AND embedding_model = %L',
                            d.index_name, d.dims, d.tenant_id, d.model),
        d.wanted AND d.valid IS DISTINCT FROM true),
       -- also for a standing index without its note (a run stopped between the two)
       (3, 'comment', format('COMMENT ON INDEX fieldmap.%I IS %L', d.index_name, d.wanted_note),
        d.wanted AND (d.valid IS DISTINCT FROM true OR d.note IS DISTINCT FROM d.wanted_note))
     ) AS p (step, action, statement, due)
     WHERE p.due
     ORDER BY p.step = 1 DESC, d.n DESC, d.index_name, p.step;
  PERFORM set_config('fieldmap._all_tenants', coalesce(v_saved, ''), true);
END
$$;

COMMENT ON FUNCTION fieldmap._wants_tenant_index(bigint, double precision, boolean) IS
  'Internal: should a tenant with this many vectors of a model, this share of them, have an HNSW index of its own (5,000 and at most half to get one; 2,500 and at most three quarters to keep it)?';
COMMENT ON FUNCTION fieldmap.vector_index_plan() IS
  'The statements (DROP/CREATE INDEX CONCURRENTLY, COMMENT) that give each tenant with 5,000 to half of a model''s vectors an HNSW index of its own, and drop those no longer needed; run them outside a transaction (psql \gexec, or fieldmap vector-indexes). Owner only.';
