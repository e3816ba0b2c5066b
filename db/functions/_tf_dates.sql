-- The date transforms.
--   fieldmap._tf_datetime(transform text, value jsonb, rule jsonb) -> jsonb
-- to_timestamp gives an ISO 8601 UTC timestamp (2024-03-05T14:22:10Z, with
-- fractions of a second when there are any); to_date the calendar date as
-- written (YYYY-MM-DD). They read:
--   ISO 8601: 2024-03-05, 2024-03-05T14:22:10, with Z or an offset
--     (+01:00, +0100, +01) and fractions of a second; without a zone the time
--     is in the rule's timezone (default UTC);
--   epoch seconds or milliseconds, as a number or digits: 12 or more digits
--     (at least 1e11) are milliseconds;
--   day/month forms, with a time (14:22, 2:22 PM) or without: d.m.y is day
--     first (EU); m/d/y and m-d-y are month first (US) unless the rule says
--     date_order DMY (or YMD is not needed: that is ISO). The ambiguity is
--     settled by the rule, never by the value: 13/02/2024 under MDY is an
--     error, not a silent switch to day first. Two-digit years: 00-69 are
--     20xx, 70-99 are 19xx.
-- Every field is range-checked before PostgreSQL sees it, so a bad value is
-- an error message, never a raised exception.
CREATE OR REPLACE FUNCTION fieldmap._tf_datetime(transform text, value jsonb, rule jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_iso    CONSTANT text := '^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}(?:\.[0-9]{1,9})?))?)?'
                            '\s*(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?$';
  c_dmy    CONSTANT text := '^([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})'
                            '(?:[ T,]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*([AaPp][Mm])?)?$';
  v_order  text := upper(coalesce(rule->>'date_order', 'MDY'));
  s        text;
  m        text[];
  n        numeric;
  y        integer;
  mo       integer;
  d        integer;
  hh       integer := 0;
  mi       integer := 0;
  ss       numeric := 0;
  zone     text;
  ts       timestamptz;
  frac     text;
BEGIN
  IF jsonb_typeof(value) = 'number' OR (jsonb_typeof(value) = 'string' AND btrim(value #>> '{}') ~ '^[+-]?[0-9]{9,14}$')
  THEN
    n := btrim(value #>> '{}')::numeric;
    IF abs(n) >= 1e11 THEN
      n := n / 1000;  -- epoch milliseconds
    END IF;
    IF n NOT BETWEEN -62135596800 AND 253402300799 THEN
      RETURN fieldmap._tf_error(transform, value, 'is out of range as epoch seconds or milliseconds');
    END IF;
    ts := to_timestamp(n::double precision);
    y := extract(year FROM ts AT TIME ZONE 'UTC');
    mo := extract(month FROM ts AT TIME ZONE 'UTC');
    d := extract(day FROM ts AT TIME ZONE 'UTC');
  ELSIF jsonb_typeof(value) <> 'string' THEN
    RETURN fieldmap._tf_error(transform, value, 'is not a date or time');
  ELSE
    s := btrim(value #>> '{}');
    m := regexp_match(s, c_iso);
    IF m IS NOT NULL THEN
      y := m[1]::integer; mo := m[2]::integer; d := m[3]::integer;
      hh := coalesce(m[4]::integer, 0); mi := coalesce(m[5]::integer, 0); ss := coalesce(m[6]::numeric, 0);
      zone := m[7];
    ELSE
      m := regexp_match(s, c_dmy);
      IF m IS NULL THEN
        RETURN fieldmap._tf_error(transform, value, 'is not a date this transform reads (ISO 8601, epoch, d.m.y, m/d/y)');
      END IF;
      IF m[2] = '.' OR v_order = 'DMY' THEN
        d := m[1]::integer; mo := m[3]::integer;
      ELSE
        mo := m[1]::integer; d := m[3]::integer;
      END IF;
      y := m[4]::integer;
      IF length(m[4]) = 2 THEN
        y := CASE WHEN y < 70 THEN 2000 + y ELSE 1900 + y END;
      END IF;
      hh := coalesce(m[5]::integer, 0); mi := coalesce(m[6]::integer, 0); ss := coalesce(m[7]::numeric, 0);
      IF m[8] IS NOT NULL THEN
        IF hh NOT BETWEEN 1 AND 12 THEN
          RETURN fieldmap._tf_error(transform, value, 'has an hour outside 1-12 before AM/PM');
        END IF;
        hh := hh % 12 + CASE WHEN lower(m[8]) = 'pm' THEN 12 ELSE 0 END;
      END IF;
    END IF;
    IF mo NOT BETWEEN 1 AND 12 THEN
      RETURN fieldmap._tf_error(transform, value, CASE WHEN m[2] IN ('/', '-') AND v_order = 'MDY' AND d BETWEEN 1 AND 12
                                                      THEN 'has no month ' || mo || ' (read month first; the rule''s '
                                                           || 'date_order DMY reads day first)'
                                                      ELSE 'has no month ' || mo END);
    END IF;
    IF y NOT BETWEEN 1 AND 9999
       OR d NOT BETWEEN 1 AND extract(day FROM make_date(y, mo, 1) + interval '1 month - 1 day') THEN
      RETURN fieldmap._tf_error(transform, value, 'is not a calendar date');
    END IF;
    IF hh > 23 OR mi > 59 OR ss >= 60 THEN
      RETURN fieldmap._tf_error(transform, value, 'is not a time of day');
    END IF;
    IF transform = 'to_timestamp' THEN
      IF zone IS NULL THEN
        ts := make_timestamptz(y, mo, d, hh, mi, ss::double precision, coalesce(rule->>'timezone', 'UTC'));
      ELSE
        IF upper(zone) = 'Z' THEN
          zone := '+00:00';
        ELSE  -- +01, +0100, +01:00 -> +01:00
          zone := left(zone, 1) || substr(replace(zone, ':', ''), 2, 2) || ':'
                  || coalesce(nullif(substr(replace(zone, ':', ''), 4, 2), ''), '00');
        END IF;
        IF substr(zone, 2, 2)::integer > 15 OR substr(zone, 5, 2)::integer > 59 THEN
          RETURN fieldmap._tf_error(transform, value, 'has no such time zone offset');
        END IF;
        ts := format('%s-%s-%s %s:%s:%s%s', lpad(y::text, 4, '0'), mo, d, hh, mi, ss, zone)::timestamptz;
      END IF;
    END IF;
  END IF;

  IF transform = 'to_date' THEN
    RETURN jsonb_build_object('value', to_char(make_date(y, mo, d), 'YYYY-MM-DD'));
  END IF;
  frac := to_char(ts AT TIME ZONE 'UTC', 'US');
  RETURN jsonb_build_object('value', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
                                     || CASE WHEN frac <> '000000' THEN '.' || rtrim(frac, '0') ELSE '' END || 'Z');
END
$$;

COMMENT ON FUNCTION fieldmap._tf_datetime(text, jsonb, jsonb) IS
  'Internal: to_timestamp and to_date (ISO 8601, epoch seconds or milliseconds, d.m.y, m/d/y by the rule''s date_order), {"value"} or {"error"}.';
