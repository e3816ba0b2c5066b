-- fieldmap._as_uuid(value text) -> uuid
-- The value as a uuid when it is written as one, else NULL: the one test for
-- "is this tenant given by id?" (current_tenant_id, _resolve_tenant). By
-- pattern, not by catching the cast's error: an exception block is a
-- subtransaction, which parallel workers cannot start. Inlined into its
-- SECURITY DEFINER callers (no SET clause; names qualified).
CREATE OR REPLACE FUNCTION fieldmap._as_uuid(value text)
RETURNS uuid
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN value OPERATOR(pg_catalog.~*) '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              THEN value::uuid END
$$;

COMMENT ON FUNCTION fieldmap._as_uuid(text) IS 'Internal: the text as a uuid when it is written as one, else NULL.';
