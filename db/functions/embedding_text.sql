-- fieldmap.name_words(name text) -> text
-- fieldmap.embedding_text(source_table text, source_field text) -> text
-- What is embedded for semantic search and suggestions: the words of the
-- source field, without the words of its table. Vendors spell one idea many
-- ways (CloseDate, close_date, Closing_Date, OPPORTUNITY_NAME on
-- Opportunities, Deal_Name on Deals); split into lower-case words and
-- stripped of the table's name, they meet ("close date", "name"). A field
-- that is its table's name and "id" is the record's own id ("id"); one that
-- is nothing but its table's name keeps its words (Note on Notes: "note").
-- Changing this function changes every mapping's text: its migration must
-- delete the vectors whose content_hash is no longer md5(embedding_text(...)),
-- which pending_embeddings then hands out again. The table decides the entity separately (suggest_mapping), and the
-- canonical side is the label, not part of the text, so renaming a mapping's
-- target never makes its embedding stale. tests/test_suggest.py and
-- BENCHMARKS.md show what other texts (with the table, with the type) scored.

-- name_words and _word_forms have no SET clause, their operators and
-- functions qualified instead: so PostgreSQL inlines them into
-- embedding_text, which the embedding queue calls for every text it hands
-- out (a SET clause made each call several times dearer).
CREATE OR REPLACE FUNCTION fieldmap.name_words(name text)
RETURNS text
LANGUAGE sql
IMMUTABLE STRICT PARALLEL SAFE
AS $$
  -- camelCase and ACRONYMWord boundaries become spaces, then anything not a letter or digit (of any script: Prénom, 金额)
  SELECT pg_catalog.btrim(pg_catalog.lower(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(name,
           '([a-z0-9])([A-Z])', '\1 \2', 'g'), '([A-Z]+)([A-Z][a-z])', '\1 \2', 'g'), '[^[:alnum:]]+', ' ', 'g')))
$$;

-- the forms a word may take in a table's name or a field's (deals, deal;
-- opportunities, opportunity; cases, case; boxes, box): a few too many do no
-- harm, since they only decide whether a field's word is its table's
-- Endings compared, not matched by regular expressions, and not STRICT, so
-- that the planner inlines it: embedding_text, run for every text handed
-- out and every vector stored, spent most of its time here (26 us a call,
-- four calls a text).
CREATE OR REPLACE FUNCTION fieldmap._word_forms(word text)
RETURNS text[]
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT ARRAY[word]
         OPERATOR(pg_catalog.||) CASE WHEN pg_catalog.right(word, 3) OPERATOR(pg_catalog.=) 'ies'
                                      THEN ARRAY[pg_catalog.left(word, -3) OPERATOR(pg_catalog.||) 'y'] ELSE '{}' END
         OPERATOR(pg_catalog.||) CASE WHEN pg_catalog.right(word, 1) OPERATOR(pg_catalog.=) 's'
                                       AND pg_catalog.right(word, 2) OPERATOR(pg_catalog.<>) 'ss'
                                       AND pg_catalog.length(word) OPERATOR(pg_catalog.>=) 2
                                      THEN ARRAY[pg_catalog.left(word, -1)] ELSE '{}' END
         OPERATOR(pg_catalog.||) CASE WHEN pg_catalog.right(word, 2) OPERATOR(pg_catalog.=) 'es'
                                      THEN ARRAY[pg_catalog.left(word, -2)] ELSE '{}' END
$$;

CREATE OR REPLACE FUNCTION fieldmap.embedding_text(source_table text, source_field text)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_table_forms text[] := ARRAY[]::text[];  -- every form of every word of the table's name
  v_words       text[] := string_to_array(fieldmap.name_words(coalesce(source_field, '')), ' ');
  v_kept        text[] := ARRAY[]::text[];
  v_word        text;
BEGIN
  -- PL/pgSQL, not SQL: written as one SQL query (arrays unnested and
  -- rebuilt), a call cost about 35 us, and the embedding queue computes the
  -- text of every mapping it hands out and again of every vector it stores;
  -- this loop costs about half. name_words leaves no empty word but in an
  -- empty name, whose array is empty.
  FOREACH v_word IN ARRAY string_to_array(fieldmap.name_words(coalesce(source_table, '')), ' ') LOOP
    v_table_forms := v_table_forms || fieldmap._word_forms(v_word);
  END LOOP;
  FOREACH v_word IN ARRAY v_words LOOP
    IF NOT fieldmap._word_forms(v_word) && v_table_forms THEN
      v_kept := v_kept || v_word;
    END IF;
  END LOOP;
  RETURN coalesce(nullif(array_to_string(v_kept, ' '), ''),
                  nullif(array_to_string(v_words, ' '), ''),  -- nothing but the table's words: all of them
                  'id');
END
$$;

COMMENT ON FUNCTION fieldmap.name_words(text) IS
  'An identifier as lower-case words: camelCase, ACRONYMs, underscores, dots and dashes split (CloseDate -> close date).';
COMMENT ON FUNCTION fieldmap._word_forms(text) IS
  'Internal: a word and the singulars it may stand for (cases -> case, opportunities -> opportunity), for matching a field''s words with its table''s.';
COMMENT ON FUNCTION fieldmap.embedding_text(text, text) IS
  'The text embedded for a source field: its words without its table''s (Deal_Name on Deals -> name; ORGANISATION_ID on Organisations -> id). The same for stored mappings and for queries.';
