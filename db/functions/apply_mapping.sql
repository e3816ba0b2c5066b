-- fieldmap.apply_mappings(connector text, entity text, records jsonb[]) -> (ord, canonical)
-- fieldmap.apply_mapping(connector text, entity text, record jsonb) -> jsonb
-- The canonical record of a source record: the reference semantics of a
-- connector's mappings of an entity (its active, connector-wide mappings in
-- the session's tenant, whatever source table they name):
--   * each mapping reads its source field: the top-level key of that exact
--     name, else, for a dotted name (address.city), the path into nested
--     objects; the value goes through the mapping's transform (its
--     transformation_rule's, then its coercion_function) or is copied as is;
--   * a source field the record lacks leaves the canonical field out; a JSON
--     null stays null;
--   * a target extras.<name> lands in output.extras.<name> (the rest of the
--     name is one key); every top-level source key no mapping reads is kept
--     in output.extras as well (an explicit extras target wins);
--   * a value a transform cannot convert leaves its field out and adds
--     {field, source, value, error} to output._errors: one bad value never
--     hides the others, and the call does not fail;
--   * extras and _errors appear only when they have something.
-- The mappings are compiled into one SQL expression (format %L) and run over
-- all records at once: set-based, no call per field unless it transforms.
-- apply_mappings keeps the records' order (ord, from 1); an element that is
-- not a JSON object comes back as {"_errors": [...]}. apply_mapping takes one
-- record and refuses anything but a JSON object.
CREATE OR REPLACE FUNCTION fieldmap.apply_mappings(connector text, entity text, records jsonb[])
RETURNS TABLE (ord bigint, canonical jsonb)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_connector uuid := fieldmap.connector_id(connector);
  m           record;
  i           integer := 0;
  v_path      text;
  v_present   text;
  v_value     text;
  v_lateral   text[] := '{}';
  v_pairs     text[] := '{}';   -- jsonb_build_object arguments of canonical fields, 2 per field
  v_extras    text[] := '{}';   -- the same for extras.<name> targets
  v_absent    text[] := '{}';   -- CASE expressions naming a canonical field to leave out
  v_absent_x  text[] := '{}';   -- ... and an extras key
  v_errors    text[] := '{}';
  v_used      text[] := '{}';   -- top-level source keys some mapping reads
  v_sql       text;
BEGIN
  IF NOT EXISTS (SELECT FROM fieldmap.entity_schemas s WHERE s.entity_name = apply_mappings.entity) THEN
    RAISE EXCEPTION 'unknown canonical entity "%"%', entity,
      coalesce(' (did you mean "' || fieldmap.closest_name(entity, ARRAY(SELECT DISTINCT s.entity_name::text
                                                                       FROM fieldmap.entity_schemas s)) || '"?)', '')
      USING ERRCODE = 'MR001';
  END IF;
  FOR m IN
    SELECT a.canonical_field::text AS target, a.source_field::text AS source, a.transformation_rule AS rule,
           a.coercion_function::text AS coercion
      FROM fieldmap.active_mappings a
     WHERE a.connector_id = v_connector AND a.canonical_entity = apply_mappings.entity
     ORDER BY a.canonical_field
  LOOP
    i := i + 1;
    IF strpos(m.source, '.') > 0 THEN  -- the exact key first, else the path
      v_path := format('coalesce(r.rec -> %L, r.rec #> %L::text[])', m.source, string_to_array(m.source, '.'));
      v_present := format('(r.rec ? %L OR r.rec #> %L::text[] IS NOT NULL)', m.source, string_to_array(m.source, '.'));
      v_used := v_used || m.source || split_part(m.source, '.', 1);
    ELSE
      v_path := format('(r.rec -> %L)', m.source);
      v_present := format('r.rec ? %L', m.source);
      v_used := v_used || m.source;
    END IF;
    IF m.rule IS NOT NULL OR m.coercion IS NOT NULL THEN
      v_lateral := v_lateral || format('fieldmap._map_value(%s, %L::jsonb, %L) AS t%s', v_path, m.rule, m.coercion, i);
      v_value := format('t.t%s -> ''value''', i);
      v_present := format('(%s AND NOT t.t%s ? ''error'')', v_present, i);
      v_errors := v_errors || format(
        'CASE WHEN t.t%s ? ''error'' THEN jsonb_build_object(''field'', %L, ''source'', %L, ''value'', %s, '
        '''error'', t.t%s ->> ''error'') END', i, m.target, m.source, v_path, i);
    ELSE
      v_value := v_path;
    END IF;
    IF m.target LIKE 'extras.%' THEN
      v_extras := v_extras || format('%L', substr(m.target, 8)) || v_value;
      v_absent_x := v_absent_x || format('CASE WHEN NOT %s THEN %L END', v_present, substr(m.target, 8));
    ELSE
      v_pairs := v_pairs || format('%L', m.target) || v_value;
      v_absent := v_absent || format('CASE WHEN NOT %s THEN %L END', v_present, m.target);
    END IF;
  END LOOP;
  IF i = 0 THEN
    RAISE EXCEPTION 'connector "%" maps no field of entity "%"', connector, entity USING ERRCODE = 'MR004';
  END IF;

  v_sql := format(
    'SELECT r.ord, CASE WHEN jsonb_typeof(r.rec) = ''object'' THEN fieldmap._canonical_record('
    '  %s - array_remove(ARRAY[%s]::text[], NULL),'                                      -- canonical fields
    '  (r.rec - %L::text[]) || (%s - array_remove(ARRAY[%s]::text[], NULL)),'            -- extras
    '  array_remove(ARRAY[%s]::jsonb[], NULL))'                                          -- errors
    ' ELSE jsonb_build_object(''_errors'', jsonb_build_array(jsonb_build_object(''error'', '
    '        format(''record %%s is not a JSON object but %%s'', r.ord, coalesce(jsonb_typeof(r.rec), ''missing''))))) END'
    ' FROM unnest($1) WITH ORDINALITY AS r(rec, ord)%s',
    fieldmap._jsonb_object_expr(v_pairs), array_to_string(v_absent, ', '),
    v_used, fieldmap._jsonb_object_expr(v_extras), array_to_string(v_absent_x, ', '),
    array_to_string(v_errors, ', '),
    CASE WHEN v_lateral = '{}' THEN ''
         ELSE ' CROSS JOIN LATERAL (SELECT ' || array_to_string(v_lateral, ', ') || ') t' END);
  RETURN QUERY EXECUTE v_sql USING records;
END
$$;

-- The output record from its parts: extras and _errors only when not empty.
-- A SET clause keeps it from being inlined, so each part is computed once.
CREATE OR REPLACE FUNCTION fieldmap._canonical_record(fields jsonb, extras jsonb, errors jsonb[])
RETURNS jsonb
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT fields || CASE WHEN extras = '{}' THEN '{}' ELSE jsonb_build_object('extras', extras) END
                || CASE WHEN cardinality(errors) = 0 THEN '{}' ELSE jsonb_build_object('_errors', to_jsonb(errors)) END
$$;

-- jsonb_build_object takes at most 100 arguments: 50 pairs per call, joined by ||
CREATE OR REPLACE FUNCTION fieldmap._jsonb_object_expr(pairs text[])
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(string_agg('jsonb_build_object(' || array_to_string(pairs[g:g + 99], ', ') || ')', ' || ' ORDER BY g),
                  '''{}''::jsonb')
    FROM generate_series(1, cardinality(pairs), 100) g
$$;

CREATE OR REPLACE FUNCTION fieldmap.apply_mapping(connector text, entity text, record jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF record IS NULL OR jsonb_typeof(record) <> 'object' THEN
    RAISE EXCEPTION 'the record must be a JSON object, not %', coalesce(jsonb_typeof(record), 'NULL')
      USING ERRCODE = 'MR001';
  END IF;
  RETURN (SELECT a.canonical FROM fieldmap.apply_mappings(connector, entity, ARRAY[record]) a);
END
$$;

COMMENT ON FUNCTION fieldmap.apply_mappings(text, text, jsonb[]) IS
  'The canonical records of many source records of a connector''s entity (session''s tenant), in order (ord from 1): mapped and transformed fields, extras (extras.* targets and unmapped source keys), and _errors for values a transform could not convert. Set-based: the mappings are compiled into one query.';
COMMENT ON FUNCTION fieldmap._canonical_record(jsonb, jsonb, jsonb[]) IS
  'Internal: an output record of apply_mappings from its fields, extras and errors (the last two only when not empty).';
COMMENT ON FUNCTION fieldmap._jsonb_object_expr(text[]) IS
  'Internal: a jsonb_build_object expression over key/value expression pairs, split into calls of at most 50 pairs.';
COMMENT ON FUNCTION fieldmap.apply_mapping(text, text, jsonb) IS
  'The canonical record of one source record (a JSON object) of a connector''s entity (session''s tenant): see apply_mappings. Per-field errors are reported in its _errors member, not raised.';
