-- fieldmap._entity_field_schema(registry_type text) -> jsonb
-- The JSON Schema of one canonical field, from its registry type (the type
-- names used by canonical-entities.yaml). NULL for an unknown type, so the
-- caller can name the entity and field in its error.
CREATE OR REPLACE FUNCTION fieldmap._entity_field_schema(registry_type text)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE registry_type
    WHEN 'string'   THEN '{"type": "string"}'::jsonb
    WHEN 'integer'  THEN '{"type": "integer"}'
    WHEN 'number'   THEN '{"type": "number"}'
    -- decimals travel as strings so no precision is lost in JSON
    WHEN 'decimal'  THEN '{"type": ["string", "number"], "format": "decimal"}'
    WHEN 'boolean'  THEN '{"type": "boolean"}'
    WHEN 'datetime' THEN '{"type": "string", "format": "date-time"}'
    WHEN 'string[]' THEN '{"type": "array", "items": {"type": "string"}}'
    WHEN 'object'   THEN '{"type": "object"}'
  END || jsonb_build_object('x-fieldmap-type', registry_type)
$$;

COMMENT ON FUNCTION fieldmap._entity_field_schema(text) IS
  'Internal: JSON Schema of a canonical field for a registry type (string, integer, number, decimal, boolean, datetime, string[], object); NULL when the type is unknown.';
