-- fieldmap.import_mappings(connector, doc, mode, dry_run, partial, direction, mapping_source,
--                          change_reason, connector_type, details) -> jsonb report
-- Imports one connector's mapping document (see parse_mapping_doc) into the
-- session's tenant, doing what plan_import says:
--   mode            merge (default) | replace: active mappings of the connector
--                   whose field the document does not name become deprecated
--                   (never deleted)
--   dry_run         report what would happen, write nothing
--   partial         import the acceptable entries and report the rest;
--                   otherwise one unacceptable entry means nothing is
--                   written (applied: false in the report)
--   direction       auto (default) | canonical-first | source-first
--   mapping_source  for created mappings and those given a new source
--                   (manual, rag, llm, auto_detected)
--   change_reason   recorded in the audit rows of this import
--   connector_type  for a connector created by this import
--   details         add every entry with its action and direction
-- Idempotent: importing the same document again changes nothing and writes
-- no audit rows. The connector is created if missing (the tenant never is).
-- Report: {"connector", "applied", "dry_run", "created", "updated",
--          "unchanged", "deprecated", "rejected": [{"entity", "field", "reason"}],
--          "entries": [...] (with details)}
-- SECURITY INVOKER: a writer's own privileges suffice; the audit triggers
-- (SECURITY DEFINER) write the audit trail.
CREATE OR REPLACE FUNCTION fieldmap.import_mappings(
    connector      text,
    doc            jsonb,
    mode           text    DEFAULT 'merge',
    dry_run        boolean DEFAULT false,
    partial        boolean DEFAULT false,
    direction      text    DEFAULT 'auto',
    mapping_source text    DEFAULT 'manual',
    change_reason  text    DEFAULT NULL,
    connector_type text    DEFAULT 'rest_api',
    details        boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- right after a large import the new rows have no statistics yet; the planner
-- then estimates one row and joins the document with the tenant's mappings
-- by nested loops (a re-import of 6,000 unchanged mappings took 8 s)
SET enable_nestloop = off
SET jit = off
AS $$
DECLARE
  v_tenant     uuid := fieldmap.current_tenant_id();
  v_saved_why  text := current_setting('fieldmap.change_reason', true);
  v_plan       fieldmap.mapping_entry[];
  v_connector  uuid;
  v_rejected   jsonb;
  v_report     jsonb;
  v_applied    boolean;
BEGIN
  IF v_tenant = '00000000-0000-0000-0000-000000000000' THEN
    RAISE EXCEPTION 'the system tenant holds the shared canonical entities; import mappings into a customer''s tenant'
      USING ERRCODE = 'MR001';
  END IF;
  IF mapping_source IS NULL OR mapping_source NOT IN ('manual', 'rag', 'llm', 'auto_detected') THEN
    RAISE EXCEPTION 'mapping_source must be manual, rag, llm or auto_detected, not "%"', mapping_source
      USING ERRCODE = 'MR001';
  END IF;
  IF connector_type IS NULL OR connector_type NOT IN ('rest_api', 'database', 'file') THEN
    RAISE EXCEPTION 'connector_type must be rest_api, database or file, not "%"', connector_type
      USING ERRCODE = 'MR001';
  END IF;

  v_plan := ARRAY(SELECT p FROM fieldmap.plan_import(connector, doc, mode, direction) p);  -- checks the connector's name
  SELECT jsonb_agg(jsonb_build_object('entity', p.entity, 'field', coalesce(p.field_key, p.canonical_field),
                                      'reason', p.problem) ORDER BY p.entity, p.field_key)
    INTO v_rejected FROM unnest(v_plan) p WHERE p.action = 'rejected';
  -- partial writes the acceptable entries: with none, nothing (not even the connector, which a
  -- misnamed file full of bad entries created empty)
  v_applied := NOT dry_run AND (v_rejected IS NULL
                                OR (partial AND EXISTS (SELECT FROM unnest(v_plan) p WHERE p.action <> 'rejected')));

  IF v_applied THEN
    IF change_reason IS NOT NULL THEN
      PERFORM set_config('fieldmap.change_reason', change_reason, true);
    END IF;
    SELECT c.id INTO v_connector FROM fieldmap.connector_definitions c
     WHERE c.tenant_id = v_tenant AND c.connector_name = import_mappings.connector;
    IF v_connector IS NULL THEN
      INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
      VALUES (v_tenant, connector, connector_type)
      RETURNING id INTO v_connector;
    END IF;
    -- the entities' descriptions travel in the connector's metadata (export writes them back)
    UPDATE fieldmap.connector_definitions c
       SET metadata = jsonb_set(c.metadata, '{entities}', coalesce(c.metadata->'entities', '{}') || d.entities)
      FROM (SELECT jsonb_object_agg(r.entity, jsonb_build_object('description', r.description)) AS entities
              FROM (SELECT DISTINCT p.entity, p.description FROM unnest(v_plan) p
                     WHERE p.action NOT IN ('rejected', 'deprecated') AND p.description IS NOT NULL) r) d
     WHERE c.tenant_id = v_tenant AND c.id = v_connector AND d.entities IS NOT NULL
       AND c.metadata->'entities' IS DISTINCT FROM coalesce(c.metadata->'entities', '{}') || d.entities;

    -- A new source is this import's choice: it takes the import's provenance
    -- and confidence (given, else 1.0 as a created mapping), not those of
    -- the source it replaces. The same source keeps what it had. (f is the
    -- row before the update.)
    UPDATE fieldmap.field_mappings f
       SET source_table = p.source_table, source_field = p.source_field, mapping_type = p.mapping_type,
           transformation_rule = p.transformation_rule, status = 'active',
           confidence_score = coalesce(p.confidence,
                                       CASE WHEN (f.source_table, f.source_field) IS DISTINCT FROM
                                                 (p.source_table, p.source_field) THEN 1.0
                                            ELSE f.confidence_score END),
           mapping_source = CASE WHEN (f.source_table, f.source_field) IS DISTINCT FROM (p.source_table, p.source_field)
                                 THEN import_mappings.mapping_source ELSE f.mapping_source END
      FROM unnest(v_plan) p
     WHERE p.action = 'updated' AND f.tenant_id = v_tenant AND f.id = p.mapping_id;
    UPDATE fieldmap.field_mappings f SET status = 'deprecated'
      FROM unnest(v_plan) p
     WHERE p.action = 'deprecated' AND f.tenant_id = v_tenant AND f.id = p.mapping_id;
    INSERT INTO fieldmap.field_mappings
      (tenant_id, connector_id, entity_schema_id, source_table, source_field, canonical_entity, canonical_field,
       mapping_type, transformation_rule, confidence_score, mapping_source)
    SELECT v_tenant, v_connector, p.entity_schema_id, p.source_table, p.source_field, p.entity, p.canonical_field,
           p.mapping_type, p.transformation_rule, coalesce(p.confidence, 1.0), mapping_source
      FROM unnest(v_plan) p
     WHERE p.action = 'created';

    PERFORM set_config('fieldmap.change_reason', coalesce(v_saved_why, ''), true);
  END IF;

  SELECT jsonb_build_object(
           'connector', connector, 'applied', v_applied, 'dry_run', dry_run,
           'created', count(*) FILTER (WHERE p.action = 'created'),
           'updated', count(*) FILTER (WHERE p.action = 'updated'),
           'unchanged', count(*) FILTER (WHERE p.action = 'unchanged'),
           'deprecated', count(*) FILTER (WHERE p.action = 'deprecated'),
           'rejected', coalesce(v_rejected, '[]'))
         || CASE WHEN details THEN jsonb_build_object('entries', coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                   'entity', p.entity, 'canonical_field', p.canonical_field, 'source_table', p.source_table,
                   'source_field', p.source_field, 'transform', p.transform, 'confidence', p.confidence,
                   'direction', p.direction, 'action', p.action, 'reason', p.problem))
                   ORDER BY p.entity, p.canonical_field, p.field_key), '[]'))
                 ELSE '{}' END
    INTO v_report
    FROM unnest(v_plan) p;
  RETURN v_report;
END
$$;

COMMENT ON FUNCTION fieldmap.import_mappings(text, jsonb, text, boolean, boolean, text, text, text, text, boolean) IS
  'Imports a connector''s mapping document (YAML as JSON) into the session''s tenant as plan_import describes: one active mapping per canonical field (a new source is a new version), idempotent, audited, nothing written on any rejected entry unless partial; mode merge/replace (replace deprecates, never deletes); dry_run. Returns counts, the rejected entries and, with details, every entry.';
