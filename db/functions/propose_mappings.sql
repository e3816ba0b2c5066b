-- fieldmap.propose_mappings(connector text, source_tables text[], source_fields text[], source_types text[],
--                           query_vectors vector[], table_vectors vector[], k integer DEFAULT 3)
--   -> (item, source_table, source_field, verdict, target, confidence, evidence, candidates)
-- A new connector's whole field list turned into a proposal a human
-- reviews: which field goes to which canonical field, and which are left
-- for a human and why. suggest_fields ranks each table's fields; this
-- decides among them, so that every client (fieldmap suggest --fields, a
-- DBA in psql, an application) gets the same proposal from the same ranks.
--   A canonical field takes one source (the import format holds one per
--   target): the fields are placed most confident first, each on its best
--   proposal not yet taken, if that proposal is not under 0.2 (a field
--   whose target went to another does not fall back on a guess).
--   verdict  'confident' placed, confidence >= 0.8 (right at least 95 times
--                        in 100 on the evaluation sets);
--            'review'    placed, under 0.8: a reviewer checks it;
--            'unsure'    not placed: its best proposal is under 0.2;
--            'no_fit'    not placed: nothing fits (suggest_fields abstained);
--            'taken'     not placed: its proposals of 0.2 or more went to
--                        more confident fields.
-- target, confidence and evidence are the proposal placed, or for a field
-- not placed its best proposal (none for no_fit); candidates are all of its
-- ranked targets.
-- One row per listed field, in the order given (item). The vectors are those
-- suggest_fields takes, one per field; a table's vector is read from its
-- first field.

CREATE OR REPLACE FUNCTION fieldmap.propose_mappings(connector text, source_tables text[], source_fields text[],
                                                     source_types text[], query_vectors public.vector[],
                                                     table_vectors public.vector[], k integer DEFAULT 3)
RETURNS TABLE (item integer, source_table text, source_field text, verdict text, target text,
               confidence double precision, evidence jsonb, candidates text[])
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_confident CONSTANT double precision := 0.8;
  c_unsure    CONSTANT double precision := 0.2;
  v_n         integer := cardinality(source_fields);
  v_twice     text;
  v_taken     jsonb := '{}'::jsonb;
  v_placed    jsonb := '[]'::jsonb;
  v_field     record;
  v_pick      jsonb;
BEGIN
  IF v_n IS NULL OR v_n NOT BETWEEN 1 AND 10000 OR cardinality(source_tables) IS DISTINCT FROM v_n
     OR cardinality(query_vectors) IS DISTINCT FROM v_n OR cardinality(table_vectors) IS DISTINCT FROM v_n
     OR (source_types IS NOT NULL AND cardinality(source_types) IS DISTINCT FROM v_n) THEN
    RAISE EXCEPTION 'source_tables, source_fields (1 to 10000), source_types, query_vectors and table_vectors must be arrays of one length (% tables, % fields, % types, % vectors, % table vectors)',
      coalesce(cardinality(source_tables), 0), coalesce(v_n, 0), coalesce(cardinality(source_types), 0),
      coalesce(cardinality(query_vectors), 0), coalesce(cardinality(table_vectors), 0)
      USING ERRCODE = 'MR001';
  END IF;
  SELECT format('%s.%s is listed twice', x.t, x.f) INTO v_twice
    FROM unnest(source_tables, source_fields) WITH ORDINALITY AS x(t, f, n)
   GROUP BY x.t, x.f HAVING count(*) > 1
   ORDER BY min(x.n) LIMIT 1;
  IF v_twice IS NOT NULL THEN
    RAISE EXCEPTION '%', v_twice USING ERRCODE = 'MR001';
  END IF;
  IF EXISTS (SELECT FROM unnest(source_tables) t WHERE t IS NULL OR btrim(t) = '') THEN
    RAISE EXCEPTION 'every listed field needs its source table' USING ERRCODE = 'MR001';
  END IF;

  FOR v_field IN
    WITH listed AS (
      SELECT x.n::integer AS n, x.t, x.f, x.ty, x.q, x.tq
        FROM unnest(source_tables, source_fields, coalesce(source_types, array_fill(NULL::text, ARRAY[v_n])),
                    query_vectors, table_vectors) WITH ORDINALITY AS x(t, f, ty, q, tq, n)
    ), per_table AS (
      SELECT l.t, array_agg(l.f ORDER BY l.n) AS fs, array_agg(l.ty ORDER BY l.n) AS tys,
             array_agg(l.q ORDER BY l.n) AS qs, (array_agg(l.tq ORDER BY l.n))[1] AS tq
        FROM listed l GROUP BY l.t
    ), ranked AS (
      SELECT p.t, s.source_field AS f,
             jsonb_agg(jsonb_build_object('target', s.target, 'confidence', s.confidence, 'evidence', s.evidence)
                       ORDER BY s.rank) AS props
        FROM per_table p
       CROSS JOIN LATERAL fieldmap.suggest_fields(propose_mappings.connector, p.t, p.fs, p.tys, p.qs, p.tq, k) s
       GROUP BY p.t, s.source_field
    )
    SELECT l.n, l.t, l.f, coalesce(r.props, '[]') AS props
      FROM listed l LEFT JOIN ranked r ON r.t = l.t AND r.f = l.f
     ORDER BY (r.props->0->>'confidence')::double precision DESC NULLS LAST, l.n
  LOOP
    v_pick := NULL;
    IF jsonb_array_length(v_field.props) > 0 AND (v_field.props->0->>'confidence')::double precision >= c_unsure THEN
      SELECT p INTO v_pick FROM jsonb_array_elements(v_field.props) WITH ORDINALITY AS x(p, i)
       WHERE NOT v_taken ? (x.p->>'target') AND (x.p->>'confidence')::double precision >= c_unsure
       ORDER BY x.i LIMIT 1;
      IF v_pick IS NOT NULL THEN
        v_taken := v_taken || jsonb_build_object(v_pick->>'target', v_field.n);
      END IF;
    END IF;
    v_placed := v_placed || jsonb_build_object(
      'item', v_field.n, 'source_table', v_field.t, 'source_field', v_field.f,
      'verdict', CASE WHEN jsonb_array_length(v_field.props) = 0 THEN 'no_fit'
                      WHEN (v_field.props->0->>'confidence')::double precision < c_unsure THEN 'unsure'
                      WHEN v_pick IS NULL THEN 'taken'
                      WHEN (v_pick->>'confidence')::double precision >= c_confident THEN 'confident'
                      ELSE 'review' END,
      'pick', coalesce(v_pick, v_field.props->0),
      'candidates', (SELECT coalesce(jsonb_agg(p->'target' ORDER BY i), '[]')
                       FROM jsonb_array_elements(v_field.props) WITH ORDINALITY AS x(p, i)));
  END LOOP;

  RETURN QUERY
    SELECT (o->>'item')::integer, o->>'source_table', o->>'source_field', o->>'verdict', o->'pick'->>'target',
           (o->'pick'->>'confidence')::double precision, o->'pick'->'evidence',
           ARRAY(SELECT jsonb_array_elements_text(o->'candidates'))
      FROM jsonb_array_elements(v_placed) o
     ORDER BY 1;
END
$$;

COMMENT ON FUNCTION fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer) IS
  'A new connector''s field list as a proposal for review: one row per field with its verdict (confident, review, unsure, no_fit, taken), the canonical target placed (one source per target, most confident first), its confidence and evidence, and the ranked candidates.';
