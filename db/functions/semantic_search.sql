-- fieldmap._search_filters(filters jsonb) -> jsonb (checked, the connector's id added)
-- fieldmap._nearest_mappings(query vector, model text, k integer, filters jsonb) -> (mapping_id, similarity)
-- fieldmap._described_mappings(ids uuid[], similarities float8[]) -> rows
-- fieldmap.search_similar(query vector, k integer DEFAULT 10, filters jsonb DEFAULT '{}') -> rows
-- fieldmap.similar_to_mapping(mapping_id uuid, k integer DEFAULT 10) -> rows
-- Mappings of the session's tenant nearest to a vector (cosine), filtered
-- by connector, entity, status, min_confidence and model.
-- The plan is chosen, not left to chance. A connector filter, else the
-- tenant, with an HNSW index of its own (vector_index_plan) is searched
-- through it. Otherwise a connector filter keeping fewer than 2,500 vectors
-- is searched exactly (through an index on tenant, connector and model: 1.1
-- ms for 900 vectors, 15 ms for 9,000 in bench_search's data), and so is a
-- tenant with fewer than 5,000 (through an index on tenant and model, recall
-- 1); anything larger through the model's HNSW index. An HNSW search uses
-- pgvector's iterative scan so that the tenant and filter conditions,
-- applied as the index hands out rows, still fill k rows (without it a
-- tenant holding 1% of the vectors would get the 1% of ef_search candidates
-- that are its own: next to none). The planner picks the own index by its
-- predicate: the query names the tenant and connector, and EXECUTE's
-- one-shot plan takes the model's parameter as a constant.

CREATE OR REPLACE FUNCTION fieldmap._search_filters(filters jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_keys CONSTANT text[] := ARRAY['connector', 'entity', 'status', 'min_confidence', 'model'];
  v_key  text;
  v_connector uuid;
BEGIN
  IF filters IS NULL OR filters = 'null' THEN
    RETURN '{}'::jsonb;
  END IF;
  IF jsonb_typeof(filters) <> 'object' THEN
    RAISE EXCEPTION 'filters must be a JSON object (e.g. {"connector": "hubspot", "min_confidence": 0.8}), not %',
      jsonb_typeof(filters) USING ERRCODE = 'MR001';
  END IF;
  FOR v_key IN SELECT k FROM jsonb_object_keys(filters) k ORDER BY k LOOP
    IF NOT v_key = ANY (c_keys) THEN
      RAISE EXCEPTION 'unknown filter "%"%', v_key,
        coalesce(' (did you mean "' || fieldmap.closest_name(v_key, c_keys) || '"?)',
                 ' (known: ' || array_to_string(c_keys, ', ') || ')') USING ERRCODE = 'MR001';
    END IF;
    IF v_key = 'min_confidence' THEN
      IF jsonb_typeof(filters->v_key) <> 'number' OR (filters->>v_key)::numeric NOT BETWEEN 0 AND 1 THEN
        RAISE EXCEPTION 'filter min_confidence must be a number from 0 to 1, not %', left((filters->v_key)::text, 80)
          USING ERRCODE = 'MR001';
      END IF;
    ELSIF jsonb_typeof(filters->v_key) <> 'string' OR length(filters->>v_key) NOT BETWEEN 1 AND 255 THEN
      RAISE EXCEPTION 'filter % must be a name (text of 1 to 255 characters), not %', v_key, left((filters->v_key)::text, 80)
        USING ERRCODE = 'MR001';
    ELSIF v_key = 'status' AND NOT filters->>v_key IN ('active', 'deprecated', 'pending_review') THEN
      RAISE EXCEPTION 'filter status must be active, deprecated or pending_review, not "%"', filters->>v_key
        USING ERRCODE = 'MR001';
    ELSIF v_key = 'entity' AND NOT EXISTS (SELECT FROM fieldmap.entity_schemas s WHERE s.entity_name = filters->>v_key) THEN
      RAISE EXCEPTION 'filter entity: no canonical entity "%"%', filters->>v_key,
        coalesce(' (did you mean "' || fieldmap.closest_name(filters->>v_key,
                   ARRAY(SELECT DISTINCT s.entity_name::text FROM fieldmap.entity_schemas s)) || '"?)', '')
        USING ERRCODE = 'MR001';
    ELSIF v_key = 'connector' THEN
      v_connector := fieldmap.connector_id(filters->>v_key);  -- the session tenant's, or MR004 with a did-you-mean
    END IF;
  END LOOP;
  -- the id travels on, so that _nearest_mappings need not look it up again
  RETURN CASE WHEN v_connector IS NULL THEN filters ELSE filters || jsonb_build_object('connector_id', v_connector) END;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap._nearest_mappings(query public.vector, model text, k integer, filters jsonb)
RETURNS TABLE (mapping_id uuid, similarity double precision)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
SET hnsw.iterative_scan = relaxed_order
-- 40 for the model's index; 60 for a tenant's or connector's own (below)
SET hnsw.ef_search = 40
AS $$
DECLARE
  v_dims      integer := fieldmap._embedding_model_dims(model);
  v_tenant    uuid := fieldmap.current_tenant_id();
  v_connector uuid := (filters->>'connector_id')::uuid;  -- from _search_filters
  v_small     boolean;
  v_mapping_filter text;
  v_vectors   text;  -- the vectors' own conditions (tenant, model, connector, exclude)
  v_joined    text;  -- FROM and WHERE with the mappings joined when a filter reads them
  c_exact     CONSTANT text := 'e.embedding_vector OPERATOR(public.<=>) $1';
BEGIN
  -- @plpgsql_check_options: extra_warnings = off
  -- (it warns that mapping_id and similarity may stay unset: RETURN QUERY
  -- EXECUTE sets them, which it cannot follow)
  IF filters ? 'connector' AND v_connector IS NULL THEN  -- a caller that skipped _search_filters
    RAISE EXCEPTION 'internal: a connector filter must be checked by _search_filters first' USING ERRCODE = 'MR001';
  END IF;
  IF k IS NULL OR k NOT BETWEEN 1 AND 1000 THEN
    RAISE EXCEPTION 'k must be 1 to 1000, not %', coalesce(k::text, 'NULL') USING ERRCODE = 'MR001';
  END IF;
  IF query IS NULL OR public.vector_dims(query) <> v_dims THEN
    RAISE EXCEPTION 'the query vector has % dimensions; model "%" has %', coalesce(public.vector_dims(query)::text, 'no'),
      model, v_dims USING ERRCODE = 'MR001';
  END IF;
  IF public.cosine_distance(query, query) = 'NaN' THEN  -- zeros, or too near them: no distance to anything
    RAISE EXCEPTION 'the query vector is all zeros, or too near them' USING ERRCODE = 'MR001';
  END IF;
  -- An index of the connector's (else the tenant's) own, where one stands,
  -- is read without counting: counting up to 5,000 index entries costs
  -- about 0.8 ms of a 3 ms search.
  -- Such an index (5,000 to 9,000 vectors in bench_search) is read with
  -- ef_search 60: at 40, its recall@10 was 0.940-0.963 over five runs of
  -- bench_search's queries, against 0.956-0.975 at 60; the model's index,
  -- larger, reached 0.970-0.996 at 40 and keeps it.
  IF v_connector IS NOT NULL AND fieldmap._vector_index_stands(fieldmap._vector_index_name(model, v_tenant, v_connector)) THEN
    v_small := false;
    PERFORM set_config('hnsw.ef_search', '60', true);  -- until the function returns (its SET clause)
  ELSIF v_connector IS NOT NULL
        AND (SELECT count(*) < fieldmap._exact_search_limit(true)
               FROM (SELECT FROM fieldmap.mapping_embeddings e
                      WHERE e.tenant_id = v_tenant AND e.connector_id = v_connector AND e.embedding_model = model
                      LIMIT fieldmap._exact_search_limit(true)) few) THEN
    v_small := true;
  ELSIF fieldmap._vector_index_stands(fieldmap._vector_index_name(model, v_tenant)) THEN
    v_small := false;
    PERFORM set_config('hnsw.ef_search', '60', true);
  ELSE
    SELECT count(*) < fieldmap._exact_search_limit(false) INTO v_small
      FROM (SELECT FROM fieldmap.mapping_embeddings e
             WHERE e.tenant_id = v_tenant AND e.embedding_model = model LIMIT fieldmap._exact_search_limit(false)) few;
  END IF;
  -- Through the index, k + min(2k, 20) candidates re-ranked exactly: the iterative scan
  -- hands rows out nearly, not exactly, in order, and the first k that pass
  -- the tenant and filters miss some of the true k nearest.
  -- The mappings are joined only when a filter reads them (the connector is
  -- the vector row's own: embedding_connector): joined always,
  -- the planner hashed all of a small tenant's mappings (13,400 at 1M in
  -- bench_scale) to rank its 1,336 vectors. Every vector belongs to a
  -- mapping of its tenant (a foreign key), and _described_mappings reads the
  -- rest. A vector not yet computed (NULL) is no candidate; equal distances
  -- (mappings of one text) are ranked by mapping id, so the plan cannot
  -- change which of them make the cut of an exact search.
  v_mapping_filter := concat(
    CASE WHEN filters ? 'entity' THEN format(' AND f.canonical_entity = %L', filters->>'entity') END,
    CASE WHEN filters ? 'status' THEN format(' AND f.status = %L', filters->>'status') END,
    CASE WHEN filters ? 'min_confidence' THEN format(' AND f.confidence_score >= %L', filters->>'min_confidence') END,
    CASE WHEN filters ? 'canonical_only' THEN ' AND f.canonical_field NOT LIKE ''extras.%''' END);
  v_vectors := format(
    ' WHERE e.tenant_id = %L AND e.embedding_model = $2 AND e.embedding_vector IS NOT NULL%s%s',
    v_tenant,
    CASE WHEN v_connector IS NOT NULL THEN format(' AND e.connector_id = %L', v_connector) END,
    CASE WHEN filters ? 'exclude' THEN format(' AND e.field_mapping_id <> %L', filters->>'exclude') END);
  v_joined := concat(' FROM fieldmap.mapping_embeddings e',
    CASE WHEN v_mapping_filter <> ''
         THEN ' JOIN fieldmap.field_mappings f ON f.tenant_id = e.tenant_id AND f.id = e.field_mapping_id' END,
    v_vectors, v_mapping_filter);
  -- A vector put_embeddings stored is in no HNSW index until
  -- index_new_embeddings (pg_cron) adds it (embedding_index_deferred): the
  -- index is searched for the indexed rows (the expression it is on: the
  -- vector cast to the model's dimension; ordered by the distance alone),
  -- and the others are ranked exactly beside them. Their mappings are
  -- looked up one by one (LATERAL, OFFSET 0): joined, the planner trusted
  -- statistics taken before the push (no vector waiting) and read all of a
  -- large tenant's mappings for each waiting vector (3 to 11 s for 6,000).
  RETURN QUERY EXECUTE format('SELECT n.id, n.similarity FROM (%s) n ORDER BY n.similarity DESC, n.id LIMIT %s',
    CASE WHEN v_small
         THEN format('SELECT e.field_mapping_id AS id, 1 - (%1$s) AS similarity%2$s ORDER BY %1$s, e.field_mapping_id LIMIT %3$s',
                     c_exact, v_joined, k)
         ELSE format('(SELECT e.field_mapping_id AS id, 1 - (%1$s) AS similarity%2$s AND e.indexed ORDER BY %1$s LIMIT %3$s)'
                     ' UNION ALL '
                     '(SELECT e.field_mapping_id, 1 - (%4$s) FROM fieldmap.mapping_embeddings e%5$s%6$s AND NOT e.indexed'
                     ' ORDER BY %4$s, e.field_mapping_id LIMIT %7$s)',
                     format('e.embedding_vector::public.vector(%s) OPERATOR(public.<=>) $1::public.vector(%s)', v_dims, v_dims),
                     v_joined, k + least(2 * k, 20), c_exact,
                     CASE WHEN v_mapping_filter <> ''
                          THEN format(' CROSS JOIN LATERAL (SELECT FROM fieldmap.field_mappings f WHERE f.tenant_id = e.tenant_id'
                                      ' AND f.id = e.field_mapping_id%s OFFSET 0) f', v_mapping_filter) END,
                     v_vectors, k)
    END, k)
    USING query, model;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap._described_mappings(ids uuid[], similarities double precision[])
RETURNS TABLE (id uuid, similarity double precision, connector text, source_table text, source_field text,
               canonical_entity text, canonical_field text, status text, confidence_score double precision,
               mapping_source text)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- PL/pgSQL, not SQL: PostgreSQL 15 plans a SQL function with a SET clause
  -- afresh at every call (0.5 ms of a 5 ms search); this query's plan is
  -- kept for the session. One index lookup per id (LATERAL): a join would let the planner
  -- read a large tenant's whole mapping table to describe ten rows. The
  -- tenant is read once (a sub-select): written bare, it was checked again
  -- for every connector row the plan read, 3.6 ms of a 6 ms search.
  RETURN QUERY
  SELECT n.mapping_id, n.similarity, d.connector_name::text, d.source_table::text, d.source_field::text,
         d.canonical_entity::text, d.canonical_field::text, d.status::text, d.confidence_score, d.mapping_source::text
    FROM unnest(ids, similarities) n (mapping_id, similarity)
   CROSS JOIN LATERAL (
         SELECT c.connector_name, f.source_table, f.source_field, f.canonical_entity, f.canonical_field, f.status,
                f.confidence_score, f.mapping_source
           FROM fieldmap.field_mappings f
           JOIN fieldmap.connector_definitions c ON c.tenant_id = f.tenant_id AND c.id = f.connector_id
          WHERE f.tenant_id = (SELECT fieldmap.current_tenant_id()) AND f.id = n.mapping_id
          OFFSET 0) d
   ORDER BY 2 DESC, 1;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.search_similar(query public.vector, k integer DEFAULT 10, filters jsonb DEFAULT '{}')
RETURNS TABLE (id uuid, similarity double precision, connector text, source_table text, source_field text,
               canonical_entity text, canonical_field text, status text, confidence_score double precision,
               mapping_source text)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_filters jsonb := fieldmap._search_filters(filters);
  v_ids     uuid[];
  v_sims    double precision[];
BEGIN
  -- first the search, on its own: joined in one query, the planner could skip
  -- calling it for a tenant without mappings, and a wrong vector or filter
  -- would go unreported
  SELECT array_agg(n.mapping_id), array_agg(n.similarity) INTO v_ids, v_sims
    FROM fieldmap._nearest_mappings(query, coalesce(v_filters->>'model', fieldmap.default_embedding_model()), k, v_filters) n;
  RETURN QUERY SELECT * FROM fieldmap._described_mappings(v_ids, v_sims);
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.similar_to_mapping(mapping_id uuid, k integer DEFAULT 10)
RETURNS TABLE (id uuid, similarity double precision, connector text, source_table text, source_field text,
               canonical_entity text, canonical_field text, status text, confidence_score double precision,
               mapping_source text)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_model  text := fieldmap.default_embedding_model();
  v_vector public.vector;
BEGIN
  IF NOT EXISTS (SELECT FROM fieldmap.field_mappings f
                  WHERE f.tenant_id = (SELECT fieldmap.current_tenant_id()) AND f.id = similar_to_mapping.mapping_id) THEN
    RAISE EXCEPTION 'no mapping % in this tenant', coalesce(similar_to_mapping.mapping_id::text, 'NULL') USING ERRCODE = 'MR004';
  END IF;
  SELECT e.embedding_vector INTO v_vector FROM fieldmap.mapping_embeddings e
   WHERE e.tenant_id = (SELECT fieldmap.current_tenant_id()) AND e.field_mapping_id = similar_to_mapping.mapping_id
     AND e.embedding_model = v_model;
  IF v_vector IS NULL THEN
    RAISE EXCEPTION 'mapping % has no embedding yet', similar_to_mapping.mapping_id USING ERRCODE = 'MR004',
      HINT = 'run fieldmap embed (pg_cron or cron runs it every few minutes)';
  END IF;
  RETURN QUERY
    SELECT d.* FROM (SELECT array_agg(n.mapping_id) AS ids, array_agg(n.similarity) AS sims
                       FROM fieldmap._nearest_mappings(v_vector, v_model, k,
                                                       jsonb_build_object('exclude', similar_to_mapping.mapping_id)) n) found
     CROSS JOIN LATERAL fieldmap._described_mappings(found.ids, found.sims) d;
END
$$;

COMMENT ON FUNCTION fieldmap._search_filters(jsonb) IS
  'Internal: the filters of search_similar checked (their names and types; the connector the session tenant''s, the entity a canonical one), or a clear error; the connector''s id is added as connector_id for _nearest_mappings.';
COMMENT ON FUNCTION fieldmap._nearest_mappings(public.vector, text, integer, jsonb) IS
  'Internal: the session tenant''s k mappings nearest to a vector of a model, exactly for a tenant with few vectors, else by the model''s HNSW index with an iterative scan.';
COMMENT ON FUNCTION fieldmap._described_mappings(uuid[], double precision[]) IS
  'Internal: search results (mapping ids with their similarity) with the connector, source and canonical field of each, most similar first.';
COMMENT ON FUNCTION fieldmap.search_similar(public.vector, integer, jsonb) IS
  'The k mappings of the session''s tenant most similar (cosine) to a query vector, with their connector, source and canonical field; filters: connector, entity, status, min_confidence, model (default all-MiniLM-L6-v2).';
COMMENT ON FUNCTION fieldmap.similar_to_mapping(uuid, integer) IS
  'The k mappings most similar to a mapping (by its stored embedding of the default model): no model needed in psql.';
