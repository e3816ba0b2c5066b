-- The text transforms and the shape every transform returns.
--   fieldmap._tf_error(transform text, value jsonb, problem text) -> jsonb
--   fieldmap._tf_text(transform text, value jsonb, rule jsonb) -> jsonb
-- A transform returns {"value": <result>} or {"error": "<transform>: <value>
-- <what is wrong>"}: it never raises, so that apply_mapping can report every
-- bad field of a record at once (fieldmap.transform raises for one value).
-- JSON null never reaches them (_transform passes it through).

CREATE OR REPLACE FUNCTION fieldmap._tf_error(transform text, value jsonb, problem text)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object('error', transform || ': ' ||
         CASE WHEN length(value::text) > 80 THEN left(value::text, 77) || '...' ELSE value::text END || ' ' || problem)
$$;

-- The characters trim removes: blanks, tabs, line ends, no-break spaces.
-- Read by trim and by its fast path in apply_mappings (_transform_sql).
CREATE OR REPLACE FUNCTION fieldmap._blank_chars()
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
RETURN E' \t\r\n\u00a0';

COMMENT ON FUNCTION fieldmap._blank_chars() IS
  'Internal: the characters the trim transform removes (blank, tab, CR, LF, no-break space).';

-- to_text, trim, lowercase, uppercase, normalize_email, split_full_name (rule part: first | last)
CREATE OR REPLACE FUNCTION fieldmap._tf_text(transform text, value jsonb, rule jsonb)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s      text;
  words  text[];
  n      integer;
  last   integer;
BEGIN
  IF transform = 'to_text' THEN
    IF jsonb_typeof(value) NOT IN ('string', 'number', 'boolean') THEN
      RETURN fieldmap._tf_error(transform, value, 'is not a single value');
    END IF;
    RETURN jsonb_build_object('value', value #>> '{}');
  END IF;
  IF jsonb_typeof(value) <> 'string' THEN
    RETURN fieldmap._tf_error(transform, value, 'is not text');
  END IF;
  s := value #>> '{}';
  CASE transform
    WHEN 'trim' THEN
      RETURN jsonb_build_object('value', btrim(s, fieldmap._blank_chars()));
    WHEN 'lowercase' THEN
      RETURN jsonb_build_object('value', lower(s));
    WHEN 'uppercase' THEN
      RETURN jsonb_build_object('value', upper(s));
    WHEN 'normalize_email' THEN
      s := lower(btrim(s));
      IF s !~ '^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$' THEN
        RETURN fieldmap._tf_error(transform, value, 'is not an e-mail address');
      END IF;
      RETURN jsonb_build_object('value', s);
    WHEN 'split_full_name' THEN
      s := btrim(regexp_replace(s, '\s+', ' ', 'g'));
      IF s = '' THEN
        RETURN fieldmap._tf_error(transform, value, 'is empty');
      END IF;
      IF strpos(s, ',') > 0 THEN  -- "Doe, Jane Q."
        RETURN jsonb_build_object('value', nullif(btrim(CASE rule->>'part' WHEN 'last' THEN split_part(s, ',', 1)
                                                        ELSE substr(s, strpos(s, ',') + 1) END), ''));
      END IF;
      words := string_to_array(s, ' ');
      n := cardinality(words);
      IF n = 1 THEN  -- one word is a first name
        RETURN jsonb_build_object('value', CASE rule->>'part' WHEN 'first' THEN to_jsonb(s) ELSE 'null'::jsonb END);
      END IF;
      -- the last name: the last word, with a generational suffix before it (Jr.) and particles (van, de)
      last := n;
      IF lower(rtrim(words[n], '.')) IN ('jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md') AND n > 2 THEN
        last := n - 1;
      END IF;
      WHILE last > 2 AND lower(words[last - 1]) IN ('van', 'von', 'de', 'der', 'den', 'da', 'di', 'del', 'la', 'le',
                                                     'du', 'st.', 'bin', 'al') LOOP
        last := last - 1;
      END LOOP;
      RETURN jsonb_build_object('value', CASE rule->>'part'
        WHEN 'first' THEN array_to_string(words[1:last - 1], ' ')
        ELSE array_to_string(words[last:n], ' ') END);
    ELSE  -- _transform dispatches only the names above here
      RAISE EXCEPTION 'unknown text transform "%"', transform USING ERRCODE = 'MR001';
  END CASE;
END
$$;

COMMENT ON FUNCTION fieldmap._tf_error(text, jsonb, text) IS
  'Internal: a transform''s failure, {"error": "<transform>: <value> <problem>"}.';
COMMENT ON FUNCTION fieldmap._tf_text(text, jsonb, jsonb) IS
  'Internal: the text transforms (to_text, trim, lowercase, uppercase, normalize_email, split_full_name), {"value"} or {"error"}.';
