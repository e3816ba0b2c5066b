-- fieldmap.suggest_fields(connector text, source_table text, source_fields text[], source_types text[],
--                         query_vectors vector[], table_vector vector DEFAULT NULL, k integer DEFAULT 3)
--   -> (source_field, rank, target, confidence, evidence)
-- fieldmap.suggest_mapping(connector text, source_table text, source_field text, source_type text,
--                          query vector, k integer DEFAULT 3, table_vector vector DEFAULT NULL)
--   -> (rank, target, confidence, evidence)
-- Proposals of canonical fields for the fields of a new connector's table,
-- from the session tenant's approved (active) mappings and the canonical
-- schema. The query vectors are the vectors of embedding_text(table, field),
-- the table vector that of name_words(table), all of the default model.
--
-- Which entity the table denotes (a log-probability per entity) from:
--   the table's name against each entity's name and description (vectors,
--   or trigrams without a table vector; weight 10), the share (weight 2) of the table's fields
--   that look like one of the entity's canonical fields (a field alike to
--   several entities' fields, like an id or a timestamp, shares its vote), and the
--   entity this tenant already maps that connector's table to, if any.
-- Each candidate field of each entity is then scored from:
--   nn      the best similarity of the field to approved mappings of that
--           target (its 50 nearest approved mappings), each weighted by
--           that mapping's confidence_score;
--   name    the similarity of the field to the canonical field's text;
--   lexical trigram similarity of their words, or of the field's and an
--           approved neighbour's words;
--   type    fieldmap.type_compatibility of the source type: compatible 1,
--           needs a transform 0.5, incompatible 0, unknown 0.5;
--   id rule a field that is only "id" is the record's own id; one ending in
--           id (or typed lookup/reference) refers to another record, so not
--           the own id;
--   entity  the table's log-probability for the candidate's entity.
-- score = 0.5 nn + 1.2 name + 1.0 lexical + 0.5 type + id rule (+1 / -1)
--         + 0.5 entity. The confidence is a logistic function of the score
-- and its margin over the best other candidate, fitted so that proposals
-- with confidence >= 0.8 are right at least 95 times in 100 on the
-- development set (tests/fixtures/eval/suggest-dev.yaml; the held-out set
-- checks it). A field gets no proposal when nothing fits: its best
-- candidate is neither like the target in meaning (name or approved
-- neighbours, similarity < 0.35) nor in letters (trigrams < 0.35); unrelated
-- words score 0.2 to 0.35 with this model. The weights and thresholds were
-- chosen on the development set only.

CREATE OR REPLACE FUNCTION fieldmap.suggest_fields(connector text, source_table text, source_fields text[],
                                                   source_types text[], query_vectors public.vector[],
                                                   table_vector public.vector DEFAULT NULL, k integer DEFAULT 3)
RETURNS TABLE (source_field text, rank integer, target text, confidence double precision, evidence jsonb)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
-- neighbours are one signal of several: in a tenant whose mappings are mostly
-- extras or deprecated, the filtered index scan stops after 2,000 rows
-- rather than walking 20,000 for a few more
SET hnsw.max_scan_tuples = 2000
AS $$
DECLARE
  v_model     text := fieldmap.default_embedding_model();
  v_dims      integer := fieldmap._embedding_model_dims(v_model);
  v_tenant    uuid := fieldmap.current_tenant_id();
  v_n         integer := cardinality(source_fields);
  v_connector uuid;
  v_bad       text;
BEGIN
  IF source_table IS NULL OR btrim(source_table) = '' THEN
    RAISE EXCEPTION 'a suggestion needs the source table' USING ERRCODE = 'MR001';
  END IF;
  IF v_n IS NULL OR v_n NOT BETWEEN 1 AND 2000 OR cardinality(query_vectors) IS DISTINCT FROM v_n
     OR (source_types IS NOT NULL AND cardinality(source_types) IS DISTINCT FROM v_n) THEN
    RAISE EXCEPTION 'source_fields (1 to 2000), source_types and query_vectors must be arrays of one length (% fields, % types, % vectors)',
      coalesce(v_n, 0), coalesce(cardinality(source_types), 0), coalesce(cardinality(query_vectors), 0)
      USING ERRCODE = 'MR001';
  END IF;
  IF k IS NULL OR k NOT BETWEEN 1 AND 50 THEN
    RAISE EXCEPTION 'k must be 1 to 50, not %', coalesce(k::text, 'NULL') USING ERRCODE = 'MR001';
  END IF;
  SELECT format('%s: %s', coalesce(x.f, 'NULL'),
                CASE WHEN x.f IS NULL OR btrim(x.f) = '' THEN 'a source field needs a name'
                     WHEN length(x.f) > 255 THEN 'a source field name is at most 255 characters'
                     ELSE format('its vector has %s dimensions; model "%s" has %s',
                                 coalesce(public.vector_dims(x.q)::text, 'no'), v_model, v_dims) END)
    INTO v_bad
    FROM unnest(source_fields, query_vectors) WITH ORDINALITY AS x(f, q, n)
   WHERE x.f IS NULL OR btrim(x.f) = '' OR length(x.f) > 255 OR x.q IS NULL OR public.vector_dims(x.q) <> v_dims
   ORDER BY x.n LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION '%', v_bad USING ERRCODE = 'MR001';
  END IF;
  IF table_vector IS NOT NULL AND public.vector_dims(table_vector) <> v_dims THEN
    RAISE EXCEPTION 'the table vector has % dimensions; model "%" has %', public.vector_dims(table_vector), v_model, v_dims
      USING ERRCODE = 'MR001';
  END IF;
  IF NOT EXISTS (SELECT FROM fieldmap.schema_embeddings e WHERE e.embedding_model = v_model AND e.field_name <> '') THEN
    RAISE EXCEPTION 'the canonical schema has no embeddings of model "%" yet', v_model USING ERRCODE = 'MR007',
      HINT = 'the owner runs fieldmap embed once after loading entities';
  END IF;
  SELECT c.id INTO v_connector FROM fieldmap.connector_definitions c
   WHERE c.tenant_id = v_tenant AND c.connector_name = suggest_fields.connector;  -- NULL for a new connector

  RETURN QUERY
  WITH fld AS (
    SELECT x.n::integer AS n, x.f, lower(btrim(x.t)) AS t, x.q, fieldmap.embedding_text(suggest_fields.source_table, x.f) AS stem
      FROM unnest(source_fields, coalesce(source_types, array_fill(NULL::text, ARRAY[v_n])), query_vectors)
           WITH ORDINALITY AS x(f, t, q, n)
  ), cand AS (  -- every field of every canonical entity
    SELECT c.entity_name, c.field_name, c.registry_type, e.embedding_text AS stem,  -- embedding_text(entity, field)
           e.embedding_vector AS vec
      FROM fieldmap.canonical_fields c
      JOIN fieldmap.schema_embeddings e
        ON e.embedding_model = v_model AND e.entity_name = c.entity_name AND e.field_name = c.field_name
     WHERE c.field_name <> 'extras'
  ), ent AS (
    SELECT e.entity_name::text AS entity_name, e.embedding_vector AS vec
      FROM fieldmap.schema_embeddings e
     WHERE e.embedding_model = v_model AND e.field_name = '' AND e.entity_name IN (SELECT cand.entity_name FROM cand)
  ), nb AS MATERIALIZED (  -- each field's nearest approved mappings of canonical fields
    -- a neighbour votes with its own confidence: an unreviewed suggestion
    -- imported at 0.3 must not come back as certain evidence for itself
    SELECT fld.n, m.canonical_entity::text AS entity_name, m.canonical_field::text AS field_name,
           nm.similarity * coalesce(m.confidence_score, 1) AS similarity,
           me.embedding_text AS stem, cd.connector_name::text AS connector, m.source_field::text AS source
      FROM fld
     CROSS JOIN LATERAL fieldmap._nearest_mappings(fld.q, v_model, 50, '{"status": "active", "canonical_only": true}') nm
      JOIN fieldmap.field_mappings m ON m.tenant_id = v_tenant AND m.id = nm.mapping_id
      JOIN fieldmap.mapping_embeddings me  -- the text of the vector found: embedding_text(table, field)
        ON me.tenant_id = v_tenant AND me.field_mapping_id = nm.mapping_id AND me.embedding_model = v_model
      JOIN fieldmap.connector_definitions cd ON cd.tenant_id = m.tenant_id AND cd.id = m.connector_id
  ), alike AS (  -- per field and entity: does the field look like one of the entity's canonical fields?
    SELECT fld.n, ent.entity_name,
           (SELECT max(1 - (fld.q OPERATOR(public.<=>) cand.vec)) FROM cand WHERE cand.entity_name = ent.entity_name) > 0.75
             AS alike
      FROM fld CROSS JOIN ent
  ), looks AS (  -- a field alike to several entities' fields (an id, a timestamp) says little: its vote is shared
    SELECT a.n, a.entity_name,
           CASE WHEN a.alike THEN 1.0 / count(*) FILTER (WHERE a.alike) OVER (PARTITION BY a.n) ELSE 0 END AS vote
      FROM alike a
  ), prior AS (
    SELECT ent.entity_name,
           10 * CASE WHEN table_vector IS NULL
                     THEN public.similarity(fieldmap.name_words(suggest_fields.source_table), fieldmap.name_words(ent.entity_name))
                     ELSE 1 - (table_vector OPERATOR(public.<=>) ent.vec) END
           + 2 * (SELECT avg(l.vote) FROM looks l WHERE l.entity_name = ent.entity_name)
           + CASE WHEN EXISTS (SELECT FROM fieldmap.field_mappings m
                                WHERE m.tenant_id = v_tenant AND m.connector_id = v_connector
                                  AND m.source_table = suggest_fields.source_table AND m.status = 'active'
                                  AND m.canonical_entity = ent.entity_name) THEN 5 ELSE 0 END AS s
      FROM ent
  ), logp AS (
    SELECT p.entity_name, p.s - (SELECT max(q.s) + ln(sum(exp(q.s - (SELECT max(r.s) FROM prior r)))) FROM prior q) AS logp
      FROM prior p
  ), scored AS (
    SELECT fld.n, fld.f, cand.entity_name, cand.field_name, lp.logp,
           coalesce(near.best, 0) AS nn, 1 - (fld.q OPERATOR(public.<=>) cand.vec) AS name_sim,
           greatest(public.similarity(fld.stem, cand.stem), coalesce(near.lexical, 0)) AS lexical,
           coalesce(tc.verdict, 'unknown') AS verdict,
           CASE WHEN fld.stem = 'id' AND cand.stem = 'id' THEN 'own id'
                WHEN fld.stem <> 'id' AND cand.stem = 'id'
                 AND (fld.stem ~ '(^| )id$' OR fld.t IN ('lookup', 'reference', 'many2one', 'relation'))
                THEN 'a reference, not the own id' END AS id_rule,
           near.similar
      FROM fld CROSS JOIN cand
      JOIN logp lp ON lp.entity_name = cand.entity_name
      LEFT JOIN fieldmap.type_compatibility tc ON tc.source_type = fld.t AND tc.canonical_type = cand.registry_type
      LEFT JOIN LATERAL (
        SELECT max(nb.similarity) AS best, max(public.similarity(fld.stem, nb.stem)) AS lexical,
               to_jsonb((array_agg(jsonb_build_object('connector', nb.connector, 'source_field', nb.source,
                                                      'similarity', round(nb.similarity::numeric, 3))
                                   ORDER BY nb.similarity DESC))[1:3]) AS similar
          FROM nb WHERE nb.n = fld.n AND nb.entity_name = cand.entity_name AND nb.field_name = cand.field_name) near
        ON true
  ), total AS (
    SELECT s.*,
           0.5 * s.nn + 1.2 * s.name_sim + 1.0 * s.lexical
           + 0.5 * CASE s.verdict WHEN 'compatible' THEN 1 WHEN 'needs_transform' THEN 0.5 WHEN 'incompatible' THEN 0
                                  ELSE 0.5 END
           + CASE s.id_rule WHEN 'own id' THEN 1 WHEN 'a reference, not the own id' THEN -1 ELSE 0 END
           + 0.5 * s.logp AS score
      FROM scored s
  ), ranked AS (
    SELECT t.*, row_number() OVER w AS rk,
           nth_value(t.score, 1) OVER w AS best, nth_value(t.score, 2) OVER w AS second
      FROM total t
    WINDOW w AS (PARTITION BY t.n ORDER BY t.score DESC, t.entity_name, t.field_name
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  ), judged AS (
    SELECT r.*, 1 / (1 + exp(-(1.118 * r.score + 1.289 * (r.score - CASE WHEN r.rk = 1 THEN coalesce(r.second, r.score) ELSE r.best END)
                             - 2.855))) AS conf
      FROM ranked r
  )
  SELECT j.f, j.rk::integer, j.entity_name || '.' || j.field_name, round(j.conf::numeric, 3)::double precision,
         jsonb_build_object('entity', jsonb_build_object('name', j.entity_name, 'probability', round(exp(j.logp)::numeric, 3)),
                            'similar_mappings', coalesce(j.similar, '[]'),
                            'name_similarity', round(j.name_sim::numeric, 3), 'lexical', round(j.lexical::numeric, 3),
                            'type', j.verdict, 'id_rule', j.id_rule, 'score', round(j.score::numeric, 3))
    FROM judged j
   WHERE j.rk <= k
     AND EXISTS (SELECT FROM judged o  -- something fits: the best is like its target, by meaning or by letters
                  WHERE o.n = j.n AND o.rk = 1 AND (greatest(o.name_sim, o.nn) >= 0.35 OR o.lexical >= 0.35))
   ORDER BY j.n, j.rk;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.suggest_mapping(connector text, source_table text, source_field text,
                                                    source_type text, query public.vector, k integer DEFAULT 3,
                                                    table_vector public.vector DEFAULT NULL)
RETURNS TABLE (rank integer, target text, confidence double precision, evidence jsonb)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT s.rank, s.target, s.confidence, s.evidence
    FROM fieldmap.suggest_fields(connector, source_table, ARRAY[source_field], ARRAY[source_type], ARRAY[query],
                                 table_vector, k) s
   ORDER BY s.rank
$$;

COMMENT ON FUNCTION fieldmap.suggest_fields(text, text, text[], text[], public.vector[], public.vector, integer) IS
  'Ranked canonical entity.field proposals for the fields of a source table (session''s tenant), each with a confidence in [0,1] and its evidence (entity, similar approved mappings, name and lexical similarity, type, id rule); no rows for a field nothing fits. The onboarding of a connector (fieldmap suggest --fields).';
COMMENT ON FUNCTION fieldmap.suggest_mapping(text, text, text, text, public.vector, integer, public.vector) IS
  'Ranked canonical entity.field proposals for one source field (see suggest_fields): query is the vector of embedding_text(source_table, source_field); no rows when nothing fits.';
