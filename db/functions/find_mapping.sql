-- fieldmap.find_mapping(connector text, field text) -> uuid
-- The id of a connector's mapping of a canonical field ('entity.field', e.g.
-- 'opportunity.stage') in the session's tenant: the connector-wide mapping of
-- that field, the active one if any, else the most recently changed (so a
-- deprecated mapping is still found); none is an error naming the unknown
-- connector or the nearest field it maps. For psql:
--   SELECT * FROM fieldmap.mapping_history(fieldmap.find_mapping('hubspot', 'opportunity.stage'));
CREATE OR REPLACE FUNCTION fieldmap.find_mapping(connector text, field text)
RETURNS uuid
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_id        uuid;
  v_connector uuid;
  v_near      text;
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
    -- say what is wrong: the connector (connector_id names it, with a
    -- did-you-mean), else the field, against the fields the connector maps
    -- (a canonical field the connector does not map gets no guess: it was
    -- meant as written)
    v_connector := fieldmap.connector_id(connector);
    SELECT fieldmap.closest_name(field, array_agg(DISTINCT f.canonical_entity || '.' || f.canonical_field))
      INTO v_near
      FROM fieldmap.field_mappings f
     WHERE f.tenant_id = fieldmap.current_tenant_id() AND f.connector_id = v_connector AND f.connection_id IS NULL
       AND NOT EXISTS (SELECT FROM fieldmap.canonical_fields c WHERE c.entity_name || '.' || c.field_name = field);
    RAISE EXCEPTION '%', format('connector "%s" has no mapping of %s', connector, field)
                         || coalesce(' (did you mean ' || v_near || '?)', '')
      USING ERRCODE = 'MR004',
            HINT = 'a deleted mapping is found no more by its field; its history stays, read by its id (in the audit log)';
  END IF;
  RETURN v_id;
END
$$;

COMMENT ON FUNCTION fieldmap.find_mapping(text, text) IS
  'The id of a connector''s mapping of a canonical field (''entity.field''), session''s tenant: the active one, else the latest. For mapping_history, mapping_as_of, restore_mapping_version in psql.';
