-- fieldmap.is_handle(value text) -> boolean
-- fieldmap.check_handle(value text, what text) -> text
-- The rule for handles, the short names that identify a tenant (its slug)
-- and a connector of a mapping file (the file's name): 1 to 63 lowercase
-- letters, digits, _ and -, starting with a letter or digit. The domain
-- fieldmap.handle checks it for stored values; check_handle raises the one
-- clear error for an argument.
CREATE OR REPLACE FUNCTION fieldmap.is_handle(value text)
RETURNS boolean
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT value IS NOT NULL AND pg_catalog.length(value) OPERATOR(pg_catalog.<=) 63
         AND value OPERATOR(pg_catalog.~) '^[a-z0-9][a-z0-9_-]*$'
$$;

CREATE OR REPLACE FUNCTION fieldmap.check_handle(value text, what text)
RETURNS text
LANGUAGE plpgsql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NOT fieldmap.is_handle(value) THEN
    RAISE EXCEPTION '% "%" is invalid: use 1 to 63 lowercase letters, digits, _ and -, starting with a letter or digit',
      what, value USING ERRCODE = 'MR001';
  END IF;
  RETURN value;
END
$$;

COMMENT ON FUNCTION fieldmap.is_handle(text) IS
  'Is this a valid handle (tenant slug, connector name of a mapping file): 1 to 63 lowercase letters, digits, _ and -, starting with a letter or digit?';
COMMENT ON FUNCTION fieldmap.check_handle(text, text) IS
  'Returns the value if it is a valid handle (is_handle); otherwise raises MR001 naming what it is (e.g. ''tenant slug'') and the rule.';
