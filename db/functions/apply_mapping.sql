-- fieldmap.apply_mappings(connector text, entity text, records jsonb[]) -> (ord, canonical)
-- fieldmap.apply_mapping(connector text, entity text, record jsonb) -> jsonb
-- fieldmap._jsonb_object_expr(pairs text[]) -> text (a helper of the compiler)
-- The canonical record of a source record: the reference semantics of a
-- connector's mappings of an entity (its active, connector-wide mappings in
-- the session's tenant, whatever source table they name):
--   * each mapping reads its source field (fieldmap._source_value: the
--     top-level key of that exact name, else, for a dotted name
--     (address.city), the path into nested objects); the value goes through
--     the mapping's transform (its transformation_rule's, then its
--     coercion_function) or is copied as is;
--   * a source field the record lacks leaves the canonical field out; a JSON
--     null stays null;
--   * a target extras.<name> lands in output.extras.<name> (the rest of the
--     name is one key); every top-level source key no mapping reads is kept
--     in output.extras as well, except one named like a mapped extras.<name>
--     slot: it would shadow the mapped value, so it is left out and reported
--     in _errors;
--   * a value a transform cannot convert leaves its field out and adds
--     {field, source, value, error} to output._errors: one bad value never
--     hides the others, and the call does not fail;
--   * extras and _errors appear only when they have something.
-- The mappings are compiled into one SQL expression (format %L) and run over
-- all records at once: set-based, no function call per field unless it
-- transforms a value its transform's fast path (_transform_sql) leaves open.
-- apply_mappings keeps the records' order (ord, from 1); an element that is
-- not a JSON object comes back as {"_errors": [...]}; a NULL array is an
-- error. apply_mapping takes one record and refuses anything but a JSON
-- object.
CREATE OR REPLACE FUNCTION fieldmap.apply_mappings(connector text, entity text, records jsonb[])
RETURNS TABLE (ord bigint, canonical jsonb)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
SET enable_memoize = off  -- the laterals' cache key is a record's whole tuple of values, new for every record
AS $$
DECLARE
  v_connector uuid := fieldmap.connector_id(connector);
  m           record;
  i           integer := 0;
  v_present   text;
  v_value     text;
  v_fast      text;
  v_values    text[] := '{}'::text[];   -- the source values, x.v<i>
  v_fast_cols text[] := '{}'::text[];   -- the transforms' fast paths, t.f<i>
  v_slow_cols text[] := '{}'::text[];   -- the full way for the values they leave open, u.s<i>
  v_pairs     text[] := '{}'::text[];   -- jsonb_build_object arguments of canonical fields, 2 per field
  v_extras    text[] := '{}'::text[];   -- the same for extras.<name> targets
  v_absent    text[] := '{}'::text[];   -- CASE expressions naming a canonical field to leave out
  v_absent_x  text[] := '{}'::text[];   -- ... and an extras key
  v_errors    text[] := '{}'::text[];
  v_used      text[] := '{}'::text[];   -- top-level source keys some mapping reads
  v_sql       text;
  v_extras_sql text;
  v_slots     text[] := '{}'::text[];   -- the names of extras.<name> targets ...
  v_slot_src  text[] := '{}'::text[];   -- ... and their sources
  v_slot      record;
BEGIN
  -- @plpgsql_check_options: extra_warnings = off
  -- (it warns that ord and canonical may stay unset: RETURN QUERY EXECUTE sets them, which it cannot follow)
  IF records IS NULL THEN
    RAISE EXCEPTION 'records must be an array of JSON objects, not NULL' USING ERRCODE = 'MR001';
  END IF;
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
    -- x.v<i>: the source value, SQL NULL when the record lacks it (a JSON null is 'null')
    v_values := v_values || format('fieldmap._source_value(r.rec, %L) AS v%s', m.source, i);
    v_used := v_used || m.source;
    IF strpos(m.source, '.') > 0 THEN
      v_used := v_used || split_part(m.source, '.', 1);
    END IF;
    v_present := format('x.v%s IS NOT NULL', i);
    IF m.rule IS NOT NULL OR m.coercion IS NOT NULL THEN
      -- t.f<i>: the transform's fast path (SQL NULL when it leaves the value
      -- open); u.s<i>: the full way, {"value"} or {"error"}, only for those
      v_fast := CASE WHEN m.rule IS NULL THEN fieldmap._transform_sql(m.coercion, NULL, format('x.v%s', i))
                     WHEN m.coercion IS NULL THEN fieldmap._transform_sql(m.rule->>'transform', m.rule, format('x.v%s', i))
                END;
      v_fast_cols := v_fast_cols || format('%s AS f%s', coalesce(v_fast, 'NULL::jsonb'), i);
      v_slow_cols := v_slow_cols || format('CASE WHEN t.f%1$s IS NULL AND x.v%1$s IS NOT NULL '
                                           'THEN fieldmap._map_value(x.v%1$s, %2$L::jsonb, %3$L) END AS s%1$s',
                                           i, m.rule, m.coercion);
      v_value := format('coalesce(t.f%1$s, u.s%1$s -> ''value'')', i);
      v_present := format('(x.v%1$s IS NOT NULL AND (t.f%1$s IS NOT NULL OR NOT u.s%1$s ? ''error''))', i);
      v_errors := v_errors || format(
        'CASE WHEN u.s%1$s ? ''error'' THEN jsonb_build_object(''field'', %2$L, ''source'', %3$L, ''value'', x.v%1$s, '
        '''error'', u.s%1$s ->> ''error'') END', i, m.target, m.source);
    ELSE
      v_value := format('x.v%s', i);
    END IF;
    IF m.target LIKE 'extras.%' THEN
      v_slots := v_slots || substr(m.target, 8);
      v_slot_src := v_slot_src || m.source;
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

  -- extras: the source keys no mapping reads (nor a slot's name), then the extras.<name> targets
  -- an unmapped source key with the name of a mapped extras.<name> slot
  -- would shadow the mapped value (or stand in for it when that value is
  -- missing or bad): the slot is the mapping's; the collision is reported
  FOR v_slot IN SELECT x.slot, x.source FROM unnest(v_slots, v_slot_src) AS x(slot, source)
                 WHERE NOT x.slot = ANY (v_used) LOOP
    v_errors := v_errors || format(
      'CASE WHEN r.rec ? %1$L THEN jsonb_build_object(''field'', %2$L, ''source'', %1$L, ''value'', r.rec -> %1$L, '
      '''error'', %3$L) END', v_slot.slot, 'extras.' || v_slot.slot,
      format('the unmapped source field %s has the name of extras.%s, which is mapped from %s: it was left out',
             v_slot.slot, v_slot.slot, v_slot.source));
  END LOOP;
  -- guarded: jsonb minus text[] raises on a scalar, and a record that is not
  -- an object must come back as its _errors, not fail the whole call
  v_extras_sql := format('CASE WHEN jsonb_typeof(r.rec) = ''object'' THEN r.rec - %L::text[] ELSE ''{}''::jsonb END',
                         v_used || v_slots);
  IF v_extras <> '{}' THEN
    v_extras_sql := format('(%s) || (%s - array_remove(ARRAY[%s]::text[], NULL))', v_extras_sql,
                           fieldmap._jsonb_object_expr(v_extras), array_to_string(v_absent_x, ', '));
  END IF;
  -- the output is built once and the absent keys taken out in one go: every
  -- jsonb operator writes a new value, and a record is a few microseconds
  v_pairs := v_pairs || ARRAY['''extras''', 'o.e'];
  v_absent := v_absent || 'CASE WHEN o.e = ''{}'' THEN ''extras'' END'::text;
  IF v_errors <> '{}' THEN
    v_pairs := v_pairs || ARRAY['''_errors''', 'o.er'];
    v_absent := v_absent || 'CASE WHEN o.er = ''[]'' THEN ''_errors'' END'::text;
  END IF;
  v_sql := format(
    'SELECT r.ord, CASE WHEN jsonb_typeof(r.rec) = ''object'' THEN %s - array_remove(ARRAY[%s]::text[], NULL)'
    ' ELSE jsonb_build_object(''_errors'', jsonb_build_array(jsonb_build_object(''error'', '
    '        format(''record %%s is not a JSON object but %%s'', r.ord, coalesce(jsonb_typeof(r.rec), ''NULL''))))) END'
    ' FROM unnest($1) WITH ORDINALITY AS r(rec, ord)'
    ' CROSS JOIN LATERAL (SELECT %s OFFSET 0) x%s'
    ' CROSS JOIN LATERAL (SELECT %s AS e, %s AS er OFFSET 0) o',
    fieldmap._jsonb_object_expr(v_pairs), array_to_string(v_absent, ', '), array_to_string(v_values, ', '),
    -- OFFSET 0 keeps each lateral from being flattened: every value and
    -- transform is computed once per record, not once per reference to it
    CASE WHEN v_fast_cols = '{}' THEN ''
         ELSE format(' CROSS JOIN LATERAL (SELECT %s OFFSET 0) t CROSS JOIN LATERAL (SELECT %s OFFSET 0) u',
                     array_to_string(v_fast_cols, ', '), array_to_string(v_slow_cols, ', ')) END,
    v_extras_sql,
    CASE WHEN v_errors = '{}' THEN '''[]''::jsonb'
         ELSE format('to_jsonb(array_remove(ARRAY[%s]::jsonb[], NULL))', array_to_string(v_errors, ', ')) END);
  RETURN QUERY EXECUTE v_sql USING records;
END
$$;

-- jsonb_build_object takes at most 100 arguments: 50 pairs per call, joined by ||
CREATE OR REPLACE FUNCTION fieldmap._jsonb_object_expr(pairs text[])
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT coalesce(string_agg(format('jsonb_build_object(%s)', array_to_string(pairs[g:g + 99], ', ')), ' || ' ORDER BY g),
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
COMMENT ON FUNCTION fieldmap._jsonb_object_expr(text[]) IS
  'Internal: a jsonb_build_object expression over key/value expression pairs, split into calls of at most 50 pairs.';
COMMENT ON FUNCTION fieldmap.apply_mapping(text, text, jsonb) IS
  'The canonical record of one source record (a JSON object) of a connector''s entity (session''s tenant): see apply_mappings. Per-field errors are reported in its _errors member, not raised.';
