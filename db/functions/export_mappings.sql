-- fieldmap.export_mappings(connector text) -> jsonb
-- The connector's active, connection-independent mappings of the session's
-- tenant (fieldmap.active_mappings) as a mapping document, canonical-first:
--   {"<entity>": {"description": ..., "source_table": ... (only when it is
--    not the entity's name), "fields": {"<canonical_field>": "<source_field>"
--    | {"source": ..., "transform": ..., "source_table": ..., "confidence": ...}}}}
-- An entity's source_table is the table most of its fields come from; a
-- field from another table says so itself, so every set of mappings the
-- database holds can be written (and imported back unchanged). transform
-- (with its rule's keys: values, date_order, ...) and confidence appear only
-- when there is one / it is below 1. coercion_function is not part of the
-- file format: set it with SQL; imports leave it as it is.
-- A connector without active mappings has no document (NULL): an empty one,
-- {}, is no import file (parse_mapping_doc refuses it), so exports write
-- no file for it and a mirror removes the one it had.
-- Canonical order (applied by the YAML writer; JSON objects have none):
-- entities, then fields, by name in byte order.
CREATE OR REPLACE FUNCTION fieldmap.export_mappings(connector text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_connector fieldmap.connector_definitions;
  v_doc       jsonb;
BEGIN
  SELECT * INTO v_connector FROM fieldmap.connector_definitions c
   WHERE c.tenant_id = fieldmap.current_tenant_id() AND c.id = fieldmap.connector_id(connector);

  WITH a AS (
    SELECT a.* FROM fieldmap.active_mappings a WHERE a.connector_id = v_connector.id
  ), entity_table AS (  -- ties go to the first table by name
    SELECT a.canonical_entity, mode() WITHIN GROUP (ORDER BY a.source_table)::text AS source_table
      FROM a GROUP BY a.canonical_entity
  ), m AS (
    SELECT a.canonical_entity::text AS entity, a.canonical_field::text AS field, a.source_table::text AS source_table,
           a.source_field::text AS source_field, a.transformation_rule->>'transform' AS transform,
           a.transformation_rule - 'transform' AS rule_keys,
           a.confidence_score AS confidence, t.source_table AS entity_table
      FROM a JOIN entity_table t USING (canonical_entity)
  )
  SELECT jsonb_object_agg(e.entity, e.body) INTO v_doc  -- NULL when there is no active mapping
    FROM (SELECT m.entity,
                 jsonb_strip_nulls(jsonb_build_object(
                   'description', v_connector.metadata->'entities'->m.entity->>'description',
                   'source_table', CASE WHEN min(m.entity_table) <> m.entity THEN min(m.entity_table) END))
                 || jsonb_build_object('fields', jsonb_object_agg(m.field,
                      CASE WHEN m.transform IS NULL AND m.source_table = m.entity_table AND m.confidence = 1
                           THEN to_jsonb(m.source_field)
                           ELSE jsonb_strip_nulls(jsonb_build_object(
                                  'source', m.source_field, 'transform', m.transform,
                                  'source_table', CASE WHEN m.source_table <> m.entity_table THEN m.source_table END,
                                  'confidence', CASE WHEN m.confidence <> 1 THEN m.confidence END))
                                || coalesce(m.rule_keys, '{}') END)) AS body
            FROM m
           GROUP BY m.entity) e;
  RETURN v_doc;
END
$$;

COMMENT ON FUNCTION fieldmap.export_mappings(text) IS
  'The connector''s active mappings (session''s tenant) as a canonical-first mapping document, NULL when it has none (no file to write); import_mappings(export_mappings(c)) changes nothing. YAML writers sort entities and fields by name.';
