-- fieldmap.find_mapping(connector text, field text) -> uuid
-- The id of a connector's mapping of a canonical field ('entity.field', e.g.
-- 'opportunity.stage') in the session's tenant: the connector-wide mapping of
-- that field, the active one if any, else the most recently changed (so a
-- deprecated mapping is still found). For psql:
--   SELECT * FROM fieldmap.mapping_history(fieldmap.find_mapping('hubspot', 'opportunity.stage'));
CREATE OR REPLACE FUNCTION fieldmap.find_mapping(connector text, field text)
RETURNS uuid
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_id uuid;
BEGIN
  IF field IS NULL OR field !~ '^[^.]+\.' THEN
    RAISE EXCEPTION 'field "%" must be written entity.field, e.g. opportunity.stage', field USING ERRCODE = 'MR001';
  END IF;
  SELECT f.id INTO v_id
    FROM fieldmap.field_mappings f
    JOIN fieldmap.connector_definitions c ON c.tenant_id = f.tenant_id AND c.id = f.connector_id
   WHERE f.tenant_id = fieldmap.current_tenant_id() AND c.connector_name = find_mapping.connector
     AND f.connection_id IS NULL
     AND f.canonical_entity = split_part(field, '.', 1) AND f.canonical_field = substr(field, strpos(field, '.') + 1)
   ORDER BY f.status = 'active' DESC, f.updated_at DESC
   LIMIT 1;
  IF v_id IS NULL THEN
    RAISE EXCEPTION 'connector "%" has no mapping of %', connector, field USING ERRCODE = 'MR004';
  END IF;
  RETURN v_id;
END
$$;

COMMENT ON FUNCTION fieldmap.find_mapping(text, text) IS
  'The id of a connector''s mapping of a canonical field (''entity.field''), session''s tenant: the active one, else the latest. For mapping_history, mapping_as_of, restore_mapping_version in psql.';
