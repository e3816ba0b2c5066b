-- Verify fieldmap:comment_columns on pg
BEGIN;
DO $$
DECLARE
  v_silent text;
BEGIN
  SELECT string_agg(k.relname || '.' || a.attname, ', ' ORDER BY k.relname, a.attnum) INTO v_silent
    FROM pg_class k JOIN pg_attribute a ON a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE k.relnamespace = 'fieldmap'::regnamespace AND k.relkind IN ('r', 'v', 'm')
     AND col_description(k.oid, a.attnum) IS NULL;
  IF v_silent IS NOT NULL THEN
    RAISE EXCEPTION 'columns without a comment: %', v_silent;
  END IF;
END
$$;
ROLLBACK;
