-- fieldmap.plan_import(connector text, doc jsonb, mode text DEFAULT 'merge', direction text DEFAULT 'auto')
--   -> SETOF fieldmap.mapping_entry
-- What importing a mapping document into the session's tenant would do,
-- entry by entry, without writing anything: the parsed entries
-- (parse_mapping_doc) with their action and the mapping each one lands on.
-- A mapping is the slot (connector, entity, canonical field) of the
-- connector-wide mappings (no connection): a connector maps each canonical
-- field from one active source, so an entry that names another source for a
-- field updates that field's mapping (a new version), never adds a second.
--   created    no mapping for the field yet
--   updated    the field's mapping gets this source, table, transform or
--              confidence, or is reactivated (its active mapping, else its
--              most recently changed one)
--   unchanged  the field's active mapping is exactly this
--   rejected   the entry has a problem (see problem)
--   deprecated (replace mode) an active mapping whose field the document
--              does not name; an entity with a rejected entry is left
--              alone (a typo must not retire the mapping it meant)
CREATE OR REPLACE FUNCTION fieldmap.plan_import(connector text, doc jsonb, mode text DEFAULT 'merge',
                                               direction text DEFAULT 'auto')
RETURNS SETOF fieldmap.mapping_entry
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
-- right after a large import the new rows have no statistics yet; the planner
-- then estimates one row and joins the document with the tenant's mappings
-- by nested loops (a re-import of 6,000 unchanged mappings took 8 s)
SET enable_nestloop = off
SET jit = off
AS $$
DECLARE
  v_tenant    uuid := fieldmap.current_tenant_id();
  v_connector uuid;
BEGIN
  IF mode IS NULL OR mode NOT IN ('merge', 'replace') THEN
    RAISE EXCEPTION 'mode must be merge or replace, not "%"', mode USING ERRCODE = 'MR001';
  END IF;
  -- the plan of a connector import would refuse to create is no plan ('Hub Spot')
  PERFORM fieldmap.check_handle(connector, 'connector name');
  SELECT c.id INTO v_connector FROM fieldmap.connector_definitions c
   WHERE c.tenant_id = v_tenant AND c.connector_name = plan_import.connector;

  RETURN QUERY
  WITH entry AS (
    SELECT p.* FROM fieldmap.parse_mapping_doc(doc, direction) p
  ), slot AS (
    -- the mapping of each entry's field: the active one, else the most recently changed
    SELECT DISTINCT ON (f.canonical_entity, f.canonical_field) f.*
      FROM entry e
      JOIN fieldmap.field_mappings f
        ON f.tenant_id = v_tenant AND f.connector_id = v_connector AND f.connection_id IS NULL
       AND f.canonical_entity = e.entity AND f.canonical_field = e.canonical_field
     WHERE e.problem IS NULL
     ORDER BY f.canonical_entity, f.canonical_field, f.status = 'active' DESC, f.updated_at DESC, f.id
  )
  SELECT e.entity, e.field_key, e.entity_schema_id, e.canonical_field, e.source_table, e.source_field,
         e.transform, e.mapping_type, e.transformation_rule, e.confidence, e.description, e.direction, e.problem,
         s.id,
         CASE WHEN e.problem IS NOT NULL THEN 'rejected'
              WHEN s.id IS NULL THEN 'created'
              WHEN (s.source_table, s.source_field, s.mapping_type, s.transformation_rule, s.status,
                    s.confidence_score)
                   IS NOT DISTINCT FROM (e.source_table, e.source_field, e.mapping_type, e.transformation_rule,
                                         'active', coalesce(e.confidence, s.confidence_score))
                THEN 'unchanged'
              ELSE 'updated' END
    FROM entry e
    LEFT JOIN slot s ON s.canonical_entity = e.entity AND s.canonical_field = e.canonical_field AND e.problem IS NULL
  UNION ALL
  SELECT f.canonical_entity::text, NULL, f.entity_schema_id, f.canonical_field::text, f.source_table::text,
         f.source_field::text, f.transformation_rule->>'transform', f.mapping_type::text, f.transformation_rule,
         f.confidence_score, NULL, NULL, NULL, f.id, 'deprecated'
    FROM fieldmap.active_mappings f
   WHERE plan_import.mode = 'replace' AND f.connector_id = v_connector
     AND NOT EXISTS (SELECT FROM entry e  -- named by the document, or in an entity with a rejected entry
                      WHERE e.entity = f.canonical_entity
                        AND (e.canonical_field = f.canonical_field OR e.problem IS NOT NULL));
END
$$;

COMMENT ON FUNCTION fieldmap.plan_import(text, jsonb, text, text) IS
  'What importing a mapping document into the session''s tenant would do, entry by entry (created, updated, unchanged, rejected, deprecated in replace mode), without writing: the preview import_mappings applies.';
