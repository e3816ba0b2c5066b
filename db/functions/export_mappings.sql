-- fieldmap.export_mappings(connector text) -> jsonb
-- The connector's active, connection-independent mappings of the session's
-- tenant in the legacy YAML shape, canonical-first:
--   {"<entity>": {"description": ..., "source_table": ... (only when it is
--    not the entity's name), "fields": {"<canonical_field>": "<source_field>"
--    | {"source": ..., "transform": ...}}}}
-- Canonical order (applied by the YAML writer; JSON objects have none):
-- entities, then fields, by name in byte order.
CREATE OR REPLACE FUNCTION fieldmap.export_mappings(connector text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER  -- runs as the owner, still confined to the session's tenant by forced RLS
SET search_path = pg_catalog
AS $$
DECLARE
  v_tenant    uuid := fieldmap.current_tenant_id();
  v_connector fieldmap.connector_definitions;
  v_clash     record;
  v_doc       jsonb;
BEGIN
  SELECT * INTO v_connector FROM fieldmap.connector_definitions c
   WHERE c.tenant_id = v_tenant AND c.connector_name = connector;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown connector "%"', connector USING ERRCODE = 'no_data_found';
  END IF;
  SELECT f.canonical_entity, f.canonical_field, count(*) AS n
    INTO v_clash
    FROM fieldmap.field_mappings f
   WHERE f.tenant_id = v_tenant AND f.connector_id = v_connector.id AND f.connection_id IS NULL AND f.status = 'active'
   GROUP BY f.canonical_entity, f.canonical_field
  HAVING count(*) > 1
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'connector "%", entity "%": field "%" has % sources; the legacy shape holds one', connector,
      v_clash.canonical_entity, v_clash.canonical_field, v_clash.n USING ERRCODE = 'feature_not_supported';
  END IF;
  IF EXISTS (SELECT FROM fieldmap.field_mappings f
              WHERE f.tenant_id = v_tenant AND f.connector_id = v_connector.id AND f.connection_id IS NULL AND f.status = 'active'
              GROUP BY f.canonical_entity HAVING count(DISTINCT f.source_table) > 1) THEN
    RAISE EXCEPTION 'connector "%": an entity draws on several source tables; the legacy shape holds one per entity', connector
      USING ERRCODE = 'feature_not_supported';
  END IF;

  SELECT coalesce(jsonb_object_agg(e.entity, e.body), '{}') INTO v_doc
    FROM (SELECT f.canonical_entity AS entity,
                 jsonb_strip_nulls(jsonb_build_object(
                   'description', v_connector.metadata->'entities'->f.canonical_entity->>'description',
                   'source_table', CASE WHEN min(f.source_table) <> f.canonical_entity THEN min(f.source_table) END))
                 || jsonb_build_object('fields', jsonb_object_agg(f.canonical_field,
                      CASE WHEN f.transformation_rule ? 'transform'
                           THEN jsonb_build_object('source', f.source_field, 'transform', f.transformation_rule->>'transform')
                           ELSE to_jsonb(f.source_field) END)) AS body
            FROM fieldmap.field_mappings f
           WHERE f.tenant_id = v_tenant AND f.connector_id = v_connector.id AND f.connection_id IS NULL
             AND f.status = 'active'
           GROUP BY f.canonical_entity) e;
  RETURN v_doc;
END
$$;

COMMENT ON FUNCTION fieldmap.export_mappings(text) IS
  'The connector''s active mappings (session''s tenant) in the legacy YAML shape, canonical-first; export(import(file)) gives the file''s mappings back. YAML writers sort entities and fields by name.';
