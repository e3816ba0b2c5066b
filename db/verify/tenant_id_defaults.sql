-- Verify fieldmap:tenant_id_defaults on pg
BEGIN;
SET LOCAL search_path = pg_catalog;  -- pg_get_expr qualifies the function only when its schema is not on the path
DO $$
DECLARE
  v_missing text;
BEGIN
  SELECT string_agg(t.name, ', ' ORDER BY t.name) INTO v_missing
    FROM unnest(ARRAY['connector_definitions', 'connector_samples', 'field_mappings', 'mapping_embeddings',
                      'mapping_validation_results', 'users']) AS t(name)
   WHERE pg_get_expr((SELECT d.adbin FROM pg_attrdef d
                        JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                       WHERE d.adrelid = ('fieldmap.' || t.name)::regclass AND a.attname = 'tenant_id'),
                     ('fieldmap.' || t.name)::regclass) IS DISTINCT FROM 'fieldmap.current_tenant_id()';
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'tenant_id does not default to the session''s tenant in: %', v_missing;
  END IF;
END
$$;
ROLLBACK;
