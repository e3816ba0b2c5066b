-- The code transforms and picklists.
--   fieldmap._tf_code(transform text, value jsonb, rule jsonb) -> jsonb
-- to_currency_code: an ISO 4217 code in any case (eur), a currency's name
--   (Euro), or a sign that names one currency only (€, £, US$); a bare $
--   or ¥ names several and is refused.
-- normalize_phone: E.164 (+<country code><number>, at most 15 digits).
--   +49 30 1234567 and 0049 30 1234567 are international; a national number
--   (030 1234567, (555) 123-4567) needs the rule's country, whose trunk
--   prefix (0 in DE, 1 in US) is dropped. An extension (x12, ext. 12) cannot
--   be written in E.164 and is refused rather than dropped.
-- map_values: the rule's values table, by the value's text (exactly, else
--   ignoring case and surrounding blanks when that is unambiguous); an
--   unlisted value is an error unless the rule has a default.
CREATE OR REPLACE FUNCTION fieldmap._tf_code(transform text, value jsonb, rule jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s       text;
  v_code  text;
  v_cc    fieldmap.phone_countries;
  v_hits  jsonb[];
BEGIN
  IF transform = 'map_values' THEN
    IF jsonb_typeof(value) NOT IN ('string', 'number', 'boolean') THEN
      RETURN fieldmap._tf_error(transform, value, 'is not a picklist value');
    END IF;
    s := value #>> '{}';
    IF rule->'values' ? s THEN
      RETURN jsonb_build_object('value', rule->'values'->s);
    END IF;
    v_hits := ARRAY(SELECT v.value FROM jsonb_each(rule->'values') v WHERE lower(btrim(v.key)) = lower(btrim(s)));
    IF cardinality(v_hits) = 1 THEN
      RETURN jsonb_build_object('value', v_hits[1]);
    ELSIF rule ? 'default' THEN
      RETURN jsonb_build_object('value', rule->'default');
    END IF;
    RETURN fieldmap._tf_error(transform, value, 'is not one of the values mapped ('
      || (SELECT string_agg(k, ', ' ORDER BY k) FROM (SELECT jsonb_object_keys(rule->'values') k LIMIT 12) x)
      || CASE WHEN (SELECT count(*) FROM jsonb_object_keys(rule->'values')) > 12 THEN ', ...' ELSE '' END || ')');
  END IF;

  IF jsonb_typeof(value) NOT IN ('string', 'number') THEN
    RETURN fieldmap._tf_error(transform, value, 'is not text');
  END IF;
  s := btrim(value #>> '{}');

  IF transform = 'to_currency_code' THEN
    SELECT c.code INTO v_code FROM fieldmap.currencies c WHERE c.code = upper(s);
    IF v_code IS NULL THEN
      SELECT c.code INTO v_code FROM fieldmap.currencies c WHERE lower(c.name) = lower(s) ORDER BY c.code LIMIT 1;
    END IF;
    IF v_code IS NULL THEN
      v_code := CASE s WHEN '€' THEN 'EUR' WHEN '£' THEN 'GBP' WHEN '₹' THEN 'INR' WHEN '₩' THEN 'KRW' WHEN '₽' THEN 'RUB'
                       WHEN '₺' THEN 'TRY' WHEN '₪' THEN 'ILS' WHEN '₫' THEN 'VND' WHEN '₴' THEN 'UAH' WHEN '₦' THEN 'NGN'
                       WHEN 'US$' THEN 'USD' WHEN 'A$' THEN 'AUD' WHEN 'C$' THEN 'CAD' WHEN 'NZ$' THEN 'NZD'
                       WHEN 'HK$' THEN 'HKD' WHEN 'S$' THEN 'SGD' WHEN 'R$' THEN 'BRL' END;
    END IF;
    IF v_code IS NULL THEN
      RETURN fieldmap._tf_error(transform, value, CASE WHEN s IN ('$', '¥', 'kr', 'R')
                                                      THEN 'names several currencies; use the ISO 4217 code'
                                                      ELSE 'is not an ISO 4217 currency' END);
    END IF;
    RETURN jsonb_build_object('value', v_code);
  END IF;

  -- normalize_phone
  IF s ~* '(x|ext\.?|extension|#)\s*[0-9]+$' THEN
    RETURN fieldmap._tf_error(transform, value, 'has an extension, which E.164 cannot hold');
  END IF;
  IF s !~ '^\+?[0-9 ().\-/]+$' THEN
    RETURN fieldmap._tf_error(transform, value, 'is not a phone number');
  END IF;
  s := regexp_replace(s, '[ ().\-/]', '', 'g');
  IF left(s, 1) = '+' THEN
    s := substr(s, 2);
  ELSIF left(s, 2) = '00' THEN
    s := substr(s, 3);
  ELSE
    SELECT * INTO v_cc FROM fieldmap.phone_countries p WHERE p.country = upper(rule->>'country');
    IF v_cc.country IS NULL THEN
      RETURN fieldmap._tf_error(transform, value, 'has no country code; give the mapping''s transformation_rule a '
                                                  'country, e.g. {"transform": "normalize_phone", "country": "US"}');
    END IF;
    IF v_cc.trunk_prefix IS NOT NULL AND left(s, length(v_cc.trunk_prefix)) = v_cc.trunk_prefix THEN
      s := substr(s, length(v_cc.trunk_prefix) + 1);
    END IF;
    s := v_cc.calling_code || s;
  END IF;
  IF s !~ '^[1-9][0-9]{6,14}$' THEN
    RETURN fieldmap._tf_error(transform, value, 'does not make an E.164 number (7 to 15 digits after +)');
  END IF;
  RETURN jsonb_build_object('value', '+' || s);
END
$$;

COMMENT ON FUNCTION fieldmap._tf_code(text, jsonb, jsonb) IS
  'Internal: to_currency_code (ISO 4217), normalize_phone (E.164) and map_values (picklists), {"value"} or {"error"}.';
