-- fieldmap._placed_proposals(proposals jsonb[]) -> (item, placed_rank, verdict, taken_by)
-- fieldmap.propose_mappings(connector text, source_tables text[], source_fields text[], source_types text[],
--                           query_vectors vector[], table_vectors vector[] DEFAULT NULL, k integer DEFAULT 3)
--   -> (item, source_table, source_field, verdict, target, confidence, evidence, candidates, taken_by, replaces)
-- A new connector's whole field list turned into a proposal a human
-- reviews: which field goes to which canonical field, and which are left
-- for a human and why. suggest_fields ranks each table's fields; this
-- places them, so that every client (fieldmap suggest --fields, a DBA in
-- psql, an application) gets the same proposal from the same ranks.
--   A canonical field takes one source (the import format holds one per
--   target). The claims (a field, one of its k proposals) are placed most
--   confident first (ties: the earlier field, then its better rank), each
--   if neither its field nor its target is placed yet; a claim under 0.2 is
--   a guess and never placed. So a target goes to the field most confident
--   of it, and a field whose best target went to another falls back on its
--   next proposal (k = 1: no fall back).
--   verdict  'confident' placed on its best proposal, confidence >= 0.8
--                        (the calibration, right at least 95 times in 100 on
--                        the evaluation sets, is of best proposals);
--            'review'    placed otherwise: a reviewer checks it;
--            'unsure'    not placed: its best proposal is under 0.2;
--            'no_fit'    not placed: nothing fits (suggest_fields abstained);
--            'taken'     not placed: its proposals of 0.2 or more went to
--                        fields more confident of them (taken_by: the one
--                        holding its best proposal's target).
-- target, confidence and evidence are the proposal placed, or for a field
-- not placed its best proposal (none for no_fit); candidates are its k
-- ranked targets. replaces: the source (table.field) of the connector's
-- active, connector-wide mapping of the target placed, when it is another
-- one: importing the proposal would replace it. One row per listed field,
-- in the order given (item).
-- The vectors are those suggest_fields takes: one per field, and one per
-- table (given with each of its fields, or NULL to compare the table's
-- name by trigrams).

CREATE OR REPLACE FUNCTION fieldmap._placed_proposals(proposals jsonb[])
RETURNS TABLE (item integer, placed_rank integer, verdict text, taken_by integer)
LANGUAGE plpgsql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_confident CONSTANT double precision := 0.8;
  c_unsure    CONSTANT double precision := 0.2;
  v_n         integer := coalesce(cardinality(proposals), 0);
  v_rank      integer[] := array_fill(NULL::integer, ARRAY[v_n]);  -- per item: the rank placed
  v_holder    jsonb := '{}'::jsonb;                                -- target -> the item placed on it
  v_claim     record;
BEGIN
  FOR v_claim IN
    SELECT i, x.r::integer AS r, x.p->>'target' AS target
      FROM generate_series(1, v_n) i
     CROSS JOIN LATERAL jsonb_array_elements(coalesce(proposals[i], '[]'::jsonb)) WITH ORDINALITY AS x(p, r)
     WHERE (x.p->>'confidence')::double precision >= c_unsure
     ORDER BY (x.p->>'confidence')::double precision DESC, i, x.r
  LOOP
    IF v_rank[v_claim.i] IS NULL AND NOT v_holder ? v_claim.target THEN
      v_rank[v_claim.i] := v_claim.r;
      v_holder := v_holder || jsonb_build_object(v_claim.target, v_claim.i);
    END IF;
  END LOOP;
  RETURN QUERY
    SELECT i, v_rank[i],
           CASE WHEN coalesce(jsonb_array_length(proposals[i]), 0) = 0 THEN 'no_fit'
                WHEN v_rank[i] = 1 AND (proposals[i]->0->>'confidence')::double precision >= c_confident THEN 'confident'
                WHEN v_rank[i] IS NOT NULL THEN 'review'
                WHEN (proposals[i]->0->>'confidence')::double precision < c_unsure THEN 'unsure'
                ELSE 'taken' END,
           CASE WHEN v_rank[i] IS NULL THEN (v_holder->>(proposals[i]->0->>'target'))::integer END
      FROM generate_series(1, v_n) i
     ORDER BY i;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.propose_mappings(connector text, source_tables text[], source_fields text[],
                                                     source_types text[], query_vectors public.vector[],
                                                     table_vectors public.vector[] DEFAULT NULL, k integer DEFAULT 3)
RETURNS TABLE (item integer, source_table text, source_field text, verdict text, target text,
               confidence double precision, evidence jsonb, candidates text[], taken_by text, replaces text)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_n         integer := cardinality(source_fields);
  v_bad       text;
  v_props     jsonb[];  -- per item: its proposals in rank order
  v_tenant    uuid;
  v_connector uuid;  -- NULL for a connector not registered yet
BEGIN
  -- the proposal is saved as <connector>.yaml, so the name must be one import accepts;
  -- k is suggest_fields' to check, checked here first so that a wrong k is not found after the work
  PERFORM fieldmap.check_handle(connector, 'connector name');
  IF k IS NULL OR k NOT BETWEEN 1 AND 50 THEN
    RAISE EXCEPTION 'k must be 1 to 50, not %', coalesce(k::text, 'NULL') USING ERRCODE = 'MR001';
  END IF;
  IF v_n IS NULL OR v_n NOT BETWEEN 1 AND 10000 OR cardinality(source_tables) IS DISTINCT FROM v_n
     OR cardinality(query_vectors) IS DISTINCT FROM v_n
     OR (table_vectors IS NOT NULL AND cardinality(table_vectors) IS DISTINCT FROM v_n)
     OR (source_types IS NOT NULL AND cardinality(source_types) IS DISTINCT FROM v_n) THEN
    RAISE EXCEPTION 'source_tables, source_fields (1 to 10000), source_types, query_vectors and table_vectors must be arrays of one length (% tables, % fields, % types, % vectors, % table vectors)',
      coalesce(cardinality(source_tables), 0), coalesce(v_n, 0), coalesce(cardinality(source_types), 0),
      coalesce(cardinality(query_vectors), 0), coalesce(cardinality(table_vectors), 0)
      USING ERRCODE = 'MR001';
  END IF;
  SELECT format('item %s (%s.%s): %s', x.n, coalesce(x.t, 'NULL'), coalesce(x.f, 'NULL'),
                CASE WHEN x.t IS NULL OR btrim(x.t) = '' THEN 'a listed field needs its source table'
                     ELSE 'a listed field needs a name' END)
    INTO v_bad
    FROM unnest(source_tables, source_fields) WITH ORDINALITY AS x(t, f, n)
   WHERE x.t IS NULL OR btrim(x.t) = '' OR x.f IS NULL OR btrim(x.f) = ''
   ORDER BY x.n LIMIT 1;
  IF v_bad IS NULL THEN
    SELECT format('%s.%s is listed twice (items %s)', x.t, x.f, string_agg(x.n::text, ', ' ORDER BY x.n)) INTO v_bad
      FROM unnest(source_tables, source_fields) WITH ORDINALITY AS x(t, f, n)
     GROUP BY x.t, x.f HAVING count(*) > 1
     ORDER BY min(x.n) LIMIT 1;
  END IF;
  IF v_bad IS NULL THEN  -- suggest_fields ranks up to 2000 fields of a table at once
    SELECT format('table %s lists %s fields; at most 2000 of one table', x.t, count(*)) INTO v_bad
      FROM unnest(source_tables) WITH ORDINALITY AS x(t, n)
     GROUP BY x.t HAVING count(*) > 2000
     ORDER BY min(x.n) LIMIT 1;
  END IF;
  IF v_bad IS NULL THEN  -- a table is one table: one vector
    SELECT format('table %s is given %s different table vectors', x.t, count(DISTINCT x.tq)) INTO v_bad
      FROM unnest(source_tables, table_vectors) AS x(t, tq)
     GROUP BY x.t HAVING count(DISTINCT x.tq) > 1
     ORDER BY x.t LIMIT 1;
  END IF;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION '%', v_bad USING ERRCODE = 'MR001';
  END IF;

  v_tenant := fieldmap.current_tenant_id();
  SELECT c.id INTO v_connector FROM fieldmap.connector_definitions c
   WHERE c.tenant_id = v_tenant AND c.connector_name = propose_mappings.connector;

  WITH listed AS (
    SELECT x.n::integer AS n, x.t, x.f, x.ty, x.q, x.tq
      FROM unnest(source_tables, source_fields, coalesce(source_types, array_fill(NULL::text, ARRAY[v_n])),
                  query_vectors, coalesce(table_vectors, array_fill(NULL::public.vector, ARRAY[v_n])))
           WITH ORDINALITY AS x(t, f, ty, q, tq, n)
  ), per_table AS (
    SELECT l.t, array_agg(l.f ORDER BY l.n) AS fs, array_agg(l.ty ORDER BY l.n) AS tys,
           array_agg(l.q ORDER BY l.n) AS qs, (array_agg(l.tq) FILTER (WHERE l.tq IS NOT NULL))[1] AS tq
      FROM listed l GROUP BY l.t
  ), ranked AS (
    SELECT p.t, s.source_field AS f,
           jsonb_agg(jsonb_build_object('target', s.target, 'confidence', s.confidence, 'evidence', s.evidence)
                     ORDER BY s.rank) AS props
      FROM per_table p
     CROSS JOIN LATERAL fieldmap.suggest_fields(propose_mappings.connector, p.t, p.fs, p.tys, p.qs, p.tq, k) s
     GROUP BY p.t, s.source_field
  )
  SELECT array_agg(coalesce(r.props, '[]'::jsonb) ORDER BY l.n) INTO v_props
    FROM listed l LEFT JOIN ranked r ON r.t = l.t AND r.f = l.f;

  RETURN QUERY
    SELECT p.item, source_tables[p.item], source_fields[p.item], p.verdict, pick->>'target',
           (pick->>'confidence')::double precision, pick->'evidence',
           ARRAY(SELECT jsonb_array_elements(v_props[p.item])->>'target'),
           source_tables[p.taken_by] || '.' || source_fields[p.taken_by],
           (SELECT m.source_table || '.' || m.source_field
              FROM fieldmap.field_mappings m
             WHERE m.tenant_id = v_tenant AND m.connector_id = v_connector AND m.connection_id IS NULL
               AND m.status = 'active' AND p.placed_rank IS NOT NULL  -- at most one (unique_active_mapping)
               AND m.canonical_entity = split_part(pick->>'target', '.', 1)
               AND m.canonical_field = substr(pick->>'target', strpos(pick->>'target', '.') + 1)
               AND (m.source_table, m.source_field) IS DISTINCT FROM (source_tables[p.item], source_fields[p.item]))
      FROM fieldmap._placed_proposals(v_props) p
     CROSS JOIN LATERAL (SELECT v_props[p.item]->(coalesce(p.placed_rank, 1) - 1) AS pick) c
     ORDER BY p.item;
END
$$;

COMMENT ON FUNCTION fieldmap._placed_proposals(jsonb[]) IS
  'Internal: places ranked proposals (per item, a JSON array of {target, confidence}) one source per target, the most confident claim first, none under 0.2; the rank placed, the verdict, and for a field whose targets were taken the item holding its best one.';
COMMENT ON FUNCTION fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer) IS
  'A new connector''s field list as a proposal for review: one row per field with its verdict (confident, review, unsure, no_fit, taken), the canonical target placed (one source per target, the most confident claim first), its confidence and evidence, its k ranked candidates, for a taken field the field holding its best target, and the source the connector already maps to the target placed, when another (replaces).';
