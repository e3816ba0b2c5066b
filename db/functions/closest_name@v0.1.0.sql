-- fieldmap.closest_name(name text, candidates text[]) -> text
-- The candidate a misspelt name most likely meant, for "did you mean ...?":
-- the nearest by edit distance (fuzzystrmatch's levenshtein, case folded)
-- within 1 edit for names under 4 characters, else within a third of the
-- name's length but at least 2 (a swap of two letters, emial -> email, is 2)
-- and at most 3; NULL when nothing is that close. Ties go to the
-- alphabetically first. Names over 255 characters (levenshtein's limit)
-- match nothing.
CREATE OR REPLACE FUNCTION fieldmap.closest_name(name text, candidates text[])
RETURNS text
LANGUAGE sql
STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT c.candidate
    FROM (SELECT u.candidate,
                 -- levenshtein refuses text over 255 characters; so long a name is no typo of a short one
                 CASE WHEN length(lower(name)) <= 255 AND length(lower(u.candidate)) <= 255
                      THEN public.levenshtein_less_equal(lower(name), lower(u.candidate), 3) END AS distance
            FROM unnest(candidates) AS u(candidate)
           WHERE u.candidate IS DISTINCT FROM name) c
   WHERE c.distance <= CASE WHEN length(name) < 4 THEN 1 ELSE least(3, greatest(2, length(name) / 3)) END
   ORDER BY c.distance, c.candidate
   LIMIT 1
$$;

COMMENT ON FUNCTION fieldmap.closest_name(text, text[]) IS
  'The candidate nearest to a misspelt name (1 edit for short names, else 2 to 3), for "did you mean" in error messages; NULL when none is close.';
