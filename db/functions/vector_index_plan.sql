-- fieldmap._wants_own_index(per_connector boolean, vectors bigint, share float8, has_index boolean) -> boolean
-- fieldmap.vector_index_plan() -> (action, tenant, connector, model, vectors, share, index_name, statement)
-- The HNSW indexes of single tenants and connectors that search needs, as the statements
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
-- A search filtered on a connector fares the same in the index its tenant
-- is searched through: a connector holding a tenth of it reads ten rows for
-- each it keeps (about 300 for a top-10, 11 ms). So a connector gets an
-- index of its own too when it is large enough not to be searched exactly
-- (2,500 vectors) and a small share of that index.
-- Like the models' indexes, each holds only the vectors already indexed
-- (embedding_index_deferred): search reads the others exactly.
-- An index stands on the catalog alone, under the name _vector_index_name
-- gives it. An invalid one (a build interrupted) is dropped and built again; so is one
-- another session is still building, which is why whoever runs the
-- statements takes the advisory lock 'fieldmap vector-indexes' first, as
-- the CLI does (README).

CREATE OR REPLACE FUNCTION fieldmap._wants_own_index(per_connector boolean, vectors bigint, share double precision,
                                                     has_index boolean)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- share: of the index the vectors are otherwise searched through (a
  -- tenant's: the model's; a connector's: its tenant's own, else the
  -- model's). An index of their own from the size at which search stops
  -- reading them exactly (5,000 for a tenant, 2,500 for a connector), and
  -- only for at most half of the model's index (above, it serves the tenant
  -- as well) or a fifth of the tenant's (above, the filtered scan reads at
  -- most five rows for each it keeps: about as fast). One standing is kept
  -- down to half that size and up to one and a half times that share
  -- (three quarters, three tenths), so that vectors near a limit do not see
  -- their index built and dropped in turn (search reads it while it stands).
  SELECT vectors >= fieldmap._exact_search_limit(per_connector) / CASE WHEN has_index THEN 2 ELSE 1 END
     AND share <= CASE WHEN per_connector THEN 0.2 ELSE 0.5 END * CASE WHEN has_index THEN 1.5 ELSE 1 END
$$;

CREATE OR REPLACE FUNCTION fieldmap.vector_index_plan()
RETURNS TABLE (action text, tenant text, connector text, model text, vectors bigint, share double precision,
               index_name text, statement text)
LANGUAGE plpgsql
VOLATILE  -- it sets fieldmap._all_tenants for its own statement
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_saved text := current_setting('fieldmap._all_tenants', true);
BEGIN
  PERFORM set_config('fieldmap._all_tenants', 'on', true);  -- every tenant's rows, for the owner under forced RLS
  RETURN QUERY
    WITH counted AS (  -- every row, computed or pending, as _nearest_mappings counts them
      SELECT e.tenant_id, e.connector_id, e.embedding_model::text AS model, count(*) AS n
        FROM fieldmap.mapping_embeddings e
       GROUP BY e.tenant_id, e.connector_id, e.embedding_model),
    existing AS (
      SELECT i.relname::text AS index_name, x.indisvalid AS valid, obj_description(i.oid, 'pg_class') AS note,
             regexp_match(i.relname, fieldmap._vector_index_pattern()) AS part
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass
         AND i.relname ~ fieldmap._vector_index_pattern()),
    tenants AS (
      SELECT c.tenant_id, c.model, sum(c.n)::bigint AS n, sum(sum(c.n)) OVER (PARTITION BY c.model) AS model_n,
             fieldmap._vector_index_name(c.model, c.tenant_id) AS index_name
        FROM counted c
       GROUP BY c.tenant_id, c.model),
    tenant_scopes AS (
      SELECT t.tenant_id, NULL::uuid AS connector_id, t.model, t.n, t.model_n, t.n / t.model_n::double precision AS share,
             t.index_name, fieldmap._wants_own_index(per_connector => false, vectors => t.n,
                                                     share => t.n / t.model_n::double precision,
                                                     has_index => coalesce(x.valid, false)) AS wanted
        FROM tenants t
        LEFT JOIN existing x ON x.index_name = t.index_name),
    connector_scopes AS (  -- a connector's share of the index its tenant is searched through
      SELECT c.tenant_id, c.connector_id, c.model, c.n, c.n / s.n::double precision AS share,
             fieldmap._vector_index_name(c.model, c.tenant_id, c.connector_id) AS index_name
        FROM counted c
        JOIN tenant_scopes ts ON ts.tenant_id = c.tenant_id AND ts.model = c.model
       CROSS JOIN LATERAL (SELECT CASE WHEN ts.wanted THEN ts.n ELSE ts.model_n END AS n) s
       -- only where the tenant is searched through an HNSW index: a smaller one is searched exactly
       WHERE ts.wanted OR ts.n >= fieldmap._exact_search_limit(false)),
    judged AS (
      SELECT coalesce(sc.tenant_id, cd.tenant_id, CASE WHEN x.part[1] = 'tenant' THEN x.part[3]::uuid END) AS tenant_id,
             coalesce(sc.connector_id, CASE WHEN x.part[1] = 'connector' THEN x.part[3]::uuid END) AS connector_id,
             m.name::text AS model, m.dims, coalesce(sc.n, 0) AS n, sc.share, x.valid, x.note,
             coalesce(sc.index_name, x.index_name) AS index_name, coalesce(sc.wanted, false) AS wanted
        FROM (SELECT ts.tenant_id, ts.connector_id, ts.model, ts.n, ts.share, ts.index_name, ts.wanted
                FROM tenant_scopes ts
              UNION ALL
              SELECT cs.tenant_id, cs.connector_id, cs.model, cs.n, cs.share, cs.index_name,
                     fieldmap._wants_own_index(per_connector => true, vectors => cs.n, share => cs.share,
                                               has_index => coalesce(x.valid, false))
                FROM connector_scopes cs
                LEFT JOIN existing x ON x.index_name = cs.index_name) sc
        FULL JOIN existing x ON x.index_name = sc.index_name
        -- an index whose vectors are all gone: its connector, if it still stands, names its tenant
        LEFT JOIN fieldmap.connector_definitions cd ON sc.index_name IS NULL AND x.part[1] = 'connector'
                                                    AND cd.id = x.part[3]::uuid
        LEFT JOIN fieldmap.embedding_models m
          ON m.name = coalesce(sc.model, (SELECT em.name FROM fieldmap.embedding_models em
                                           WHERE left(md5(em.name), 8) = x.part[2] LIMIT 1))),
    described AS (
      SELECT j.*, coalesce(t.slug::text, j.tenant_id::text) AS slug,
             coalesce(c.connector_name::text, j.connector_id::text) AS connector_name,
             CASE WHEN j.connector_id IS NULL
                  THEN format('HNSW (cosine) over the %s-dimensional vectors of model %s of tenant %s only '
                              '(fieldmap.vector_index_plan): it searches faster than the model''s index, which holds '
                              'every tenant''s.', j.dims, j.model, coalesce(t.slug::text, j.tenant_id::text))
                  ELSE format('HNSW (cosine) over the %s-dimensional vectors of model %s of connector %s of tenant %s '
                              'only (fieldmap.vector_index_plan): a search filtered on the connector reads it instead '
                              'of walking its tenant''s.', j.dims, j.model, c.connector_name,
                              coalesce(t.slug::text, j.tenant_id::text))
             END AS wanted_note
        FROM judged j
        LEFT JOIN fieldmap.tenants t ON t.id = j.tenant_id
        LEFT JOIN fieldmap.connector_definitions c ON c.tenant_id = j.tenant_id AND c.id = j.connector_id)
    SELECT p.action, d.slug, d.connector_name, d.model, d.n, d.share, d.index_name, p.statement
      FROM described d
     CROSS JOIN LATERAL (VALUES
       (1, 'drop', format('DROP INDEX CONCURRENTLY IF EXISTS fieldmap.%I', d.index_name),
        d.valid IS NOT NULL AND (NOT d.wanted OR NOT d.valid)),
       (2, 'create', format('CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON fieldmap.mapping_embeddings '
                            'USING hnsw ((embedding_vector::public.vector(%s)) public.vector_cosine_ops) '
                            'WHERE tenant_id = %L::uuid AND embedding_model = %L%s AND indexed',
                            d.index_name, d.dims, d.tenant_id, d.model,
                            CASE WHEN d.connector_id IS NOT NULL THEN format(' AND connector_id = %L::uuid', d.connector_id) END),
        d.wanted AND d.valid IS DISTINCT FROM true),
       -- also for a standing index without its note (a run stopped between the two)
       (3, 'comment', format('COMMENT ON INDEX fieldmap.%I IS %L', d.index_name, d.wanted_note),
        d.wanted AND (d.valid IS DISTINCT FROM true OR d.note IS DISTINCT FROM d.wanted_note))
     ) AS p (step, action, statement, due)
     WHERE p.due
     -- drops first; then larger first, so a tenant's index is built before its connectors'
     ORDER BY p.step = 1 DESC, d.n DESC, d.index_name, p.step;
  PERFORM set_config('fieldmap._all_tenants', coalesce(v_saved, ''), true);
END
$$;

COMMENT ON FUNCTION fieldmap._wants_own_index(boolean, bigint, double precision, boolean) IS
  'Internal: should a tenant''s (or one connector''s) vectors of a model, this many and this share of the index they are otherwise searched through, have an HNSW index of their own? To get one: 5,000 and at most half (a tenant), 2,500 and at most a fifth (a connector); to keep it: half that size, one and a half times that share.';
COMMENT ON FUNCTION fieldmap.vector_index_plan() IS
  'The statements (DROP/CREATE INDEX CONCURRENTLY, COMMENT) that give each tenant with 5,000 to half of a model''s vectors, and each connector with 2,500 vectors up to a fifth of its tenant''s index, an HNSW index of its own, and drop those no longer needed; run them outside a transaction (psql \gexec, or fieldmap vector-indexes). Owner only.';
