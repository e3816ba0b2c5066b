-- fieldmap._transform_sql(transform text, rule jsonb, v text) -> text
-- The fast path of a transform, as an SQL expression over the value
-- expression v, for apply_mappings to compile into its query: it gives the
-- transformed value (jsonb) for the values it can decide with built-in
-- operators, and SQL NULL for every other value, which then goes the full
-- way (fieldmap._map_value). A PL/pgSQL call costs microseconds per value;
-- a record has many values.
-- The fast path decides only what it decides exactly as the transform does
-- (tests/test_transforms.py compares the two on every value it tests):
--   JSON null (and a missing key) -> null, for every transform;
--   to_text, trim, lowercase, uppercase, to_boolean: every value but errors;
--   to_integer, to_decimal, to_number: JSON numbers in range, plain digits;
--   to_currency_code: an ISO 4217 code in any case;
--   map_values: a value listed exactly;
--   to_timestamp, to_date: ISO 8601 as APIs emit it (2024-03-05,
--     2024-03-05T14:22:10.123Z, ...+01:00 or +0100), day of month at most 28
--     (so the calendar never needs checking; the rest take the full way);
-- normalize_email, normalize_phone, split_full_name: none (NULL is returned
-- instead of an expression).
CREATE OR REPLACE FUNCTION fieldmap._transform_sql(transform text, rule jsonb, v text)
RETURNS text
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_iso    CONSTANT text := '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])'
                            '(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?'
                            '(Z|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)?)?$';
  c_blanks CONSTANT text := fieldmap._blank_chars();
  s        text := format('(%s #>> ''{}'')', v);
  t        text := format('jsonb_typeof(%s)', v);
  n        text := format('(%s)::numeric', v);
  v_when   text;
BEGIN
  v_when := CASE transform
    WHEN 'to_text' THEN
      format('WHEN %s IN (''string'', ''number'', ''boolean'') THEN to_jsonb(%s)', t, s)
    WHEN 'trim' THEN
      format('WHEN %s = ''string'' THEN to_jsonb(btrim(%s, %L))', t, s, c_blanks)
    WHEN 'lowercase' THEN
      format('WHEN %s = ''string'' THEN to_jsonb(lower(%s))', t, s)
    WHEN 'uppercase' THEN
      format('WHEN %s = ''string'' THEN to_jsonb(upper(%s))', t, s)
    WHEN 'to_boolean' THEN
      format('WHEN %1$s = ''boolean'' THEN %2$s '
             'WHEN %1$s IN (''string'', ''number'') AND lower(btrim(%3$s)) = ANY (%4$L::text[]) '
             'THEN ''true''::jsonb '
             'WHEN %1$s IN (''string'', ''number'') AND lower(btrim(%3$s)) = ANY (%5$L::text[]) '
             'THEN ''false''::jsonb', t, v, s, fieldmap._boolean_words(true), fieldmap._boolean_words(false))
    WHEN 'to_integer' THEN
      format('WHEN %1$s = ''number'' AND %2$s = trunc(%2$s) AND abs(%2$s) < 9e18 '
             'THEN to_jsonb(%2$s::bigint) '
             'WHEN %1$s = ''string'' AND %3$s ~ ''^[+-]?[0-9]{1,18}$'' THEN to_jsonb(%3$s::bigint)',
             t, n, s)
    WHEN 'to_decimal' THEN
      format('WHEN %1$s = ''number'' THEN to_jsonb(%2$s::text) '
             'WHEN %1$s = ''string'' AND %3$s ~ ''^[+-]?[0-9]{1,30}(\.[0-9]{1,30})?$'' '
             'THEN to_jsonb(%3$s::numeric::text)', t, n, s)
    WHEN 'to_number' THEN
      format('WHEN %1$s = ''number'' AND abs(%2$s) < 1e300 AND (abs(%2$s) > 1e-300 OR %2$s = 0) '
             'THEN to_jsonb(%2$s::double precision) '
             'WHEN %1$s = ''string'' AND %3$s ~ ''^[+-]?[0-9]{1,15}(\.[0-9]{1,15})?$'' '
             'THEN to_jsonb(%3$s::numeric::double precision)', t, n, s)
    WHEN 'to_currency_code' THEN
      format('WHEN %1$s IN (''string'', ''number'') AND %2$L::jsonb ? upper(btrim(%3$s)) '
             'THEN to_jsonb(upper(btrim(%3$s)))',
             t, (SELECT jsonb_object_agg(c.code, true) FROM fieldmap.currencies c), s)
    WHEN 'map_values' THEN
      format('WHEN %1$s IN (''string'', ''number'', ''boolean'') AND %2$L::jsonb ? %3$s '
             'THEN %2$L::jsonb -> %3$s', t, rule->'values', s)
    WHEN 'to_date' THEN
      format('WHEN %s = ''string'' AND %s ~ %L THEN to_jsonb(left(%s, 10))', t, s, c_iso, s)
    WHEN 'to_timestamp' THEN
      -- with a zone the text says the instant; without one it is in the
      -- rule's time zone. After the date (11 characters with the T), a Z at
      -- the end, a + or a - can only be a zone
      -- (rtrim: 14:22:10.500000 -> 14:22:10.5, 14:22:10.000000 -> 14:22:10)
      format('WHEN %1$s = ''string'' AND %2$s ~ %3$L THEN to_jsonb(rtrim(rtrim(to_char('
             'CASE WHEN right(%2$s, 1) = ''Z'' OR strpos(substr(%2$s, 12), ''+'') > 0 '
             'OR strpos(substr(%2$s, 12), ''-'') > 0 THEN %2$s::timestamptz '
             'ELSE %2$s::timestamp AT TIME ZONE %4$L END AT TIME ZONE ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.US''), '
             '''0''), ''.'') || ''Z'')', t, s, c_iso, coalesce(rule->>'timezone', 'UTC'))
  END;
  IF v_when IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN format('CASE WHEN %s IS NULL OR %s = ''null'' THEN ''null''::jsonb %s END', v, t, v_when);
END
$$;

COMMENT ON FUNCTION fieldmap._transform_sql(text, jsonb, text) IS
  'Internal: the fast path of a transform as an SQL expression over a value expression (the transformed value for the values it decides exactly as the transform does, else SQL NULL), compiled into apply_mappings'' query; NULL when the transform has none.';
