-- The number and boolean transforms.
--   fieldmap._tf_numeric(value jsonb) -> numeric (NULL when it is no number)
--   fieldmap._tf_number(transform text, value jsonb, rule jsonb) -> jsonb
-- Strict: a number, or text holding one in plain or scientific notation,
-- optionally with thousands separators (1,234,567.89); not "12abc", not
-- NaN or Infinity, not a boolean.

CREATE OR REPLACE FUNCTION fieldmap._tf_numeric(value jsonb)
RETURNS numeric
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text;
BEGIN
  IF jsonb_typeof(value) = 'number' THEN
    RETURN (value #>> '{}')::numeric;
  END IF;
  IF jsonb_typeof(value) <> 'string' THEN
    RETURN NULL;
  END IF;
  s := btrim(value #>> '{}');
  IF s ~ '^[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]+)?([eE][+-]?[0-9]{1,4})?$'
     OR s ~ '^[+-]?\.[0-9]+([eE][+-]?[0-9]{1,4})?$' THEN
    RETURN replace(s, ',', '')::numeric;
  END IF;
  RETURN NULL;
END
$$;

-- The words to_boolean reads as true, or as false (any case, blanks trimmed).
-- Read by to_boolean and by its fast path in apply_mappings (_transform_sql).
CREATE OR REPLACE FUNCTION fieldmap._boolean_words(truth boolean)
RETURNS text[]
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN truth THEN ARRAY['true', 'yes', '1', 'on'] ELSE ARRAY['false', 'no', '0', 'off'] END;

COMMENT ON FUNCTION fieldmap._boolean_words(boolean) IS
  'Internal: the words to_boolean reads as true (true, yes, 1, on) or false (false, no, 0, off).';

-- to_integer, to_decimal, to_number, to_boolean
CREATE OR REPLACE FUNCTION fieldmap._tf_number(transform text, value jsonb, rule jsonb)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  n numeric;
  s text;
BEGIN
  -- @plpgsql_check_options: extra_warnings = off
  -- (rule is unused: every transform family takes (transform, value, rule))
  IF transform = 'to_boolean' THEN
    IF jsonb_typeof(value) = 'boolean' THEN
      RETURN jsonb_build_object('value', value);
    END IF;
    s := lower(btrim(value #>> '{}'));
    IF jsonb_typeof(value) IN ('string', 'number') AND s = ANY (fieldmap._boolean_words(true)) THEN
      RETURN jsonb_build_object('value', true);
    ELSIF jsonb_typeof(value) IN ('string', 'number') AND s = ANY (fieldmap._boolean_words(false)) THEN
      RETURN jsonb_build_object('value', false);
    END IF;
    RETURN fieldmap._tf_error(transform, value, 'is not true/false, yes/no, 1/0 or on/off');
  END IF;

  n := fieldmap._tf_numeric(value);
  IF n IS NULL THEN
    RETURN fieldmap._tf_error(transform, value, 'is not a number');
  END IF;
  CASE transform
    WHEN 'to_integer' THEN
      IF n <> trunc(n) THEN
        RETURN fieldmap._tf_error(transform, value, 'is not a whole number');
      ELSIF n NOT BETWEEN -9223372036854775808 AND 9223372036854775807 THEN
        RETURN fieldmap._tf_error(transform, value, 'is too large for a 64-bit integer');
      END IF;
      RETURN jsonb_build_object('value', n::bigint);
    WHEN 'to_decimal' THEN  -- text: exact whatever the reader's number type
      RETURN jsonb_build_object('value', n::text);
    WHEN 'to_number' THEN
      IF abs(n) > 1.7976931348623157e308 OR (n <> 0 AND abs(n) < 2.2250738585072014e-308) THEN
        RETURN fieldmap._tf_error(transform, value, 'is out of the range of a floating-point number');
      END IF;
      RETURN jsonb_build_object('value', n::double precision);
    ELSE  -- _transform dispatches only the names above here
      RAISE EXCEPTION 'unknown number transform "%"', transform USING ERRCODE = 'MR001';
  END CASE;
END
$$;

COMMENT ON FUNCTION fieldmap._tf_numeric(jsonb) IS
  'Internal: the number a JSON number or numeric text holds (thousands separators allowed), else NULL.';
COMMENT ON FUNCTION fieldmap._tf_number(text, jsonb, jsonb) IS
  'Internal: the number transforms (to_integer, to_decimal, to_number) and to_boolean, {"value"} or {"error"}.';
