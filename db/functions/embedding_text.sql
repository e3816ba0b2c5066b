-- fieldmap.name_words(name text) -> text
-- fieldmap.embedding_text(source_table text, source_field text) -> text
-- What is embedded for semantic search and suggestions: the words of the
-- source field, without the words of its table. Vendors spell one idea many
-- ways (CloseDate, close_date, Closing_Date, OPPORTUNITY_NAME on
-- Opportunities, Deal_Name on Deals); split into lower-case words and
-- stripped of the table's name, they meet ("close date", "name"). A field
-- that is nothing but its table's name and "id" is the record's own id
-- ("id"). The table decides the entity separately (suggest_mapping), and the
-- canonical side is the label, not part of the text, so renaming a mapping's
-- target never makes its embedding stale. tests/test_suggest.py and
-- BENCHMARKS.md show what other texts (with the table, with the type) scored.

CREATE OR REPLACE FUNCTION fieldmap.name_words(name text)
RETURNS text
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  -- camelCase and ACRONYMWord boundaries become spaces, then anything not a letter or digit
  SELECT btrim(lower(regexp_replace(regexp_replace(regexp_replace(name,
           '([a-z0-9])([A-Z])', '\1 \2', 'g'), '([A-Z]+)([A-Z][a-z])', '\1 \2', 'g'), '[^A-Za-z0-9]+', ' ', 'g')))
$$;

-- the singular of an English plural, as table names use them (deals, opportunities, addresses)
CREATE OR REPLACE FUNCTION fieldmap._singular(word text)
RETURNS text
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN word ~ 'ies$' THEN left(word, -3) || 'y'
              WHEN word ~ 'ses$' THEN left(word, -2)
              WHEN word ~ '[^s]s$' THEN left(word, -1)
              ELSE word END
$$;

CREATE OR REPLACE FUNCTION fieldmap.embedding_text(source_table text, source_field text)
RETURNS text
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  WITH t AS (
    SELECT ARRAY(SELECT w FROM unnest(string_to_array(fieldmap.name_words(coalesce(source_table, '')), ' ')) w
                 UNION SELECT fieldmap._singular(w)
                         FROM unnest(string_to_array(fieldmap.name_words(coalesce(source_table, '')), ' ')) w) AS words
  )
  SELECT coalesce(nullif(array_to_string(ARRAY(
           SELECT f.w FROM t, unnest(string_to_array(fieldmap.name_words(coalesce(source_field, '')), ' '))
                               WITH ORDINALITY AS f(w, n)
            WHERE f.w <> '' AND NOT (f.w = ANY (t.words) OR fieldmap._singular(f.w) = ANY (t.words))
            ORDER BY f.n), ' '), ''), 'id')
$$;

COMMENT ON FUNCTION fieldmap.name_words(text) IS
  'An identifier as lower-case words: camelCase, ACRONYMs, underscores, dots and dashes split (CloseDate -> close date).';
COMMENT ON FUNCTION fieldmap._singular(text) IS
  'Internal: the singular of an English plural (opportunities -> opportunity), for matching a field''s words with its table''s.';
COMMENT ON FUNCTION fieldmap.embedding_text(text, text) IS
  'The text embedded for a source field: its words without its table''s (Deal_Name on Deals -> name; ORGANISATION_ID on Organisations -> id). The same for stored mappings and for queries.';
