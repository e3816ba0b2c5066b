-- The transform library's entry points.
--   fieldmap.transform_rule_problem(rule jsonb, coercion text) -> text
--   fieldmap._transform(transform text, value jsonb, rule jsonb) -> jsonb
--   fieldmap._map_value(value jsonb, rule jsonb, coercion text) -> jsonb
--   fieldmap.try_transform(transform text, value jsonb, rule jsonb) -> jsonb
--   fieldmap.transform(transform text, value jsonb, rule jsonb) -> jsonb
-- A mapping names its transform in transformation_rule ({"transform":
-- "map_values", "values": {...}}) and/or a rule-less one in
-- coercion_function; the value goes through the rule's transform first,
-- then the coercion. JSON null passes through every transform unchanged,
-- and so does an empty or blank string through every typed one (a number,
-- date, code, phone, e-mail, name or boolean that is "" is no value).

-- What is wrong with a mapping's transformation_rule and coercion_function,
-- or NULL when both can be applied. The database refuses to store a mapping
-- for which this is not NULL (trigger _20_check_transform).
CREATE OR REPLACE FUNCTION fieldmap.transform_rule_problem(rule jsonb, coercion text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t      fieldmap.transforms;
  v_name text := rule->>'transform';
  v_key  text;
  v_near text;
BEGIN
  IF rule IS NOT NULL THEN
    IF jsonb_typeof(rule) <> 'object' OR jsonb_typeof(rule->'transform') IS DISTINCT FROM 'string' THEN
      RETURN 'transformation_rule must be a JSON object naming its transform, e.g. {"transform": "lowercase"}';
    END IF;
    SELECT * INTO t FROM fieldmap.transforms x WHERE x.name = v_name;
    IF NOT FOUND THEN
      v_near := fieldmap.closest_name(v_name, ARRAY(SELECT x.name FROM fieldmap.transforms x));
      RETURN format('unknown transform "%s"', v_name)
             || coalesce(' (did you mean "' || v_near || '"?)',
                         ' (known: ' || (SELECT string_agg(x.name, ', ' ORDER BY x.name) FROM fieldmap.transforms x) || ')');
    END IF;
    SELECT k INTO v_key FROM jsonb_object_keys(rule) k WHERE k <> 'transform' AND NOT k = ANY (t.rule_keys) ORDER BY k LIMIT 1;
    IF v_key IS NOT NULL THEN
      RETURN format('transform %s reads no "%s"', v_name, v_key)
             || CASE WHEN t.rule_keys = '{}' THEN ' (it takes no rule)'
                     ELSE ' (it reads ' || array_to_string(t.rule_keys, ', ') || ')' END;
    END IF;
    SELECT k INTO v_key FROM unnest(t.required_keys) k WHERE NOT rule ? k LIMIT 1;
    IF v_key IS NOT NULL THEN
      RETURN format('transform %s needs "%s" in its rule', v_name, v_key);
    END IF;
    IF rule ? 'date_order' AND upper(rule->>'date_order') IS DISTINCT FROM 'MDY' AND upper(rule->>'date_order') IS DISTINCT FROM 'DMY' THEN
      RETURN format('date_order must be "MDY" (month first) or "DMY" (day first), not %s', rule->'date_order');
    END IF;
    IF rule ? 'timezone' AND NOT EXISTS (SELECT FROM pg_timezone_names z WHERE z.name = rule->>'timezone') THEN
      RETURN format('timezone %s is not a time zone name (e.g. Europe/Berlin, America/New_York, UTC)', rule->'timezone');
    END IF;
    IF rule ? 'country' AND NOT EXISTS (SELECT FROM fieldmap.phone_countries p WHERE p.country = upper(rule->>'country')) THEN
      RETURN format('country %s is not an ISO 3166 country code (e.g. DE, US)', rule->'country');
    END IF;
    IF rule ? 'part' AND rule->>'part' IS DISTINCT FROM 'first' AND rule->>'part' IS DISTINCT FROM 'last' THEN
      RETURN format('part must be "first" or "last", not %s', rule->'part');
    END IF;
    IF rule ? 'values' AND (jsonb_typeof(rule->'values') <> 'object' OR rule->'values' = '{}'
                            OR EXISTS (SELECT FROM jsonb_each(rule->'values') v
                                        WHERE jsonb_typeof(v.value) NOT IN ('string', 'number', 'boolean', 'null'))) THEN
      RETURN 'values must be a non-empty object of source value -> canonical value (text, number, true/false or null)';
    END IF;
    IF rule ? 'default' AND jsonb_typeof(rule->'default') NOT IN ('string', 'number', 'boolean', 'null') THEN
      RETURN 'default must be text, a number, true/false or null';
    END IF;
  END IF;
  IF coercion IS NOT NULL THEN
    SELECT * INTO t FROM fieldmap.transforms x WHERE x.name = coercion;
    IF NOT FOUND THEN
      v_near := fieldmap.closest_name(coercion, ARRAY(SELECT x.name FROM fieldmap.transforms x));
      RETURN format('unknown coercion_function "%s"', coercion) || coalesce(' (did you mean "' || v_near || '"?)', '');
    ELSIF t.required_keys <> '{}' THEN
      RETURN format('coercion_function cannot be %s: it needs a rule (%s); name it in transformation_rule',
                    coercion, array_to_string(t.required_keys, ', '));
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- One transform, without checking its rule (the database checked it when
-- the mapping was stored): {"value": ...} or {"error": ...}.
CREATE OR REPLACE FUNCTION fieldmap._transform(transform text, value jsonb, rule jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF value IS NULL OR jsonb_typeof(value) = 'null' THEN
    RETURN jsonb_build_object('value', 'null'::jsonb);
  END IF;
  -- vendors send "" for an empty number, date, code or phone: no value, not a bad one
  IF jsonb_typeof(value) = 'string' AND btrim(value #>> '{}') = ''
     AND transform NOT IN ('to_text', 'trim', 'lowercase', 'uppercase', 'map_values') THEN
    RETURN jsonb_build_object('value', 'null'::jsonb);
  END IF;
  RETURN CASE
    WHEN transform IN ('to_text', 'trim', 'lowercase', 'uppercase', 'normalize_email', 'split_full_name')
      THEN fieldmap._tf_text(transform, value, rule)
    WHEN transform IN ('to_integer', 'to_decimal', 'to_number', 'to_boolean') THEN fieldmap._tf_number(transform, value, rule)
    WHEN transform IN ('to_timestamp', 'to_date') THEN fieldmap._tf_datetime(transform, value, rule)
    WHEN transform IN ('to_currency_code', 'normalize_phone', 'map_values') THEN fieldmap._tf_code(transform, value, rule)
  END;
END
$$;

-- A mapping's whole pipeline for one value: its rule's transform, then its coercion.
CREATE OR REPLACE FUNCTION fieldmap._map_value(value jsonb, rule jsonb, coercion text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r jsonb := CASE WHEN rule ? 'transform' THEN fieldmap._transform(rule->>'transform', value, rule)
                  ELSE jsonb_build_object('value', coalesce(value, 'null'::jsonb)) END;
BEGIN
  IF coercion IS NULL OR r ? 'error' THEN
    RETURN r;
  END IF;
  RETURN fieldmap._transform(coercion, r->'value', NULL);
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.try_transform(transform text, value jsonb, rule jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_rule    jsonb := coalesce(rule, '{}') || jsonb_build_object('transform', transform);
  v_problem text := CASE
    WHEN transform IS NULL THEN 'no transform named (the transforms are listed in fieldmap.transforms)'
    WHEN rule ? 'transform' AND rule->>'transform' IS DISTINCT FROM transform
      THEN format('the rule names transform %s, the call %s: name one', rule->'transform', transform)
    ELSE fieldmap.transform_rule_problem(v_rule) END;
BEGIN
  IF v_problem IS NOT NULL THEN
    RETURN jsonb_build_object('error', v_problem);
  END IF;
  RETURN fieldmap._transform(transform, value, v_rule);
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.transform(transform text, value jsonb, rule jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r jsonb := fieldmap.try_transform(transform, value, rule);
BEGIN
  IF r ? 'error' THEN
    RAISE EXCEPTION '%', r->>'error' USING ERRCODE = 'MR001';
  END IF;
  RETURN r->'value';
END
$$;

COMMENT ON FUNCTION fieldmap.transform_rule_problem(jsonb, text) IS
  'What is wrong with a transformation_rule and coercion_function (unknown transform, a key it does not read, a missing or malformed one), or NULL when they can be applied.';
COMMENT ON FUNCTION fieldmap._transform(text, jsonb, jsonb) IS
  'Internal: one transform of a value under a rule already checked, {"value"} or {"error"}.';
COMMENT ON FUNCTION fieldmap._map_value(jsonb, jsonb, text) IS
  'Internal: a mapping''s transforms applied to one value (the rule''s transform, then the coercion), {"value"} or {"error"}.';
COMMENT ON FUNCTION fieldmap.try_transform(text, jsonb, jsonb) IS
  'Applies a transform (trim, to_timestamp, map_values, ...; see fieldmap.transforms) to a JSON value: {"value": result} or {"error": "<transform>: <value> <what is wrong>"}; never raises.';
COMMENT ON FUNCTION fieldmap.transform(text, jsonb, jsonb) IS
  'Applies a transform to a JSON value and returns the result; raises MR001 naming the transform and the value when it cannot convert it. E.g. fieldmap.transform(''to_boolean'', ''"Yes"'') = true.';
