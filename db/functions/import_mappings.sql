-- fieldmap.import_mappings(connector text, doc jsonb, options jsonb) -> jsonb report
-- Imports one connector's legacy mapping document (see _mapping_doc_rows)
-- into the session's tenant. Options:
--   mode            merge (default) | replace: active mappings of the connector
--                   missing from the document become deprecated (never deleted)
--   dry_run         true: report what would happen, write nothing
--   partial         true: import the acceptable entries, report the rest;
--                   otherwise one unacceptable entry rejects the whole call
--   direction       auto (default) | canonical-first | source-first
--   mapping_source  for created mappings (default manual)
--   change_reason   recorded in the audit rows of this import
--   connector_type  for a connector created by this import (default rest_api)
-- Idempotent: importing the same document again changes nothing and writes
-- no audit rows. The connector is created if missing (the tenant never is).
-- Report: {"connector", "created", "updated", "unchanged", "deprecated",
--          "rejected": [{"entity", "field", "reason"}], "dry_run"}
CREATE OR REPLACE FUNCTION fieldmap.import_mappings(connector text, doc jsonb, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER  -- runs as the owner, still confined to the session's tenant by forced RLS
SET search_path = pg_catalog
AS $$
DECLARE
  v_tenant     uuid := fieldmap.current_tenant_id();
  v_opts       jsonb := coalesce(options, '{}');
  v_mode       text := coalesce(v_opts->>'mode', 'merge');
  v_dry        boolean;
  v_partial    boolean;
  v_source     text := coalesce(v_opts->>'mapping_source', 'manual');
  v_direction  text := coalesce(v_opts->>'direction', 'auto');
  v_saved_why  text := current_setting('fieldmap.change_reason', true);
  v_connector  uuid;
  v_meta       jsonb;
  v_key        text;
  v_rejected   jsonb;
  v_valid      bigint;
  v_created    bigint := 0;
  v_updated    bigint := 0;
  v_deprecated bigint := 0;
BEGIN
  SELECT k INTO v_key FROM jsonb_object_keys(v_opts) k
   WHERE k NOT IN ('mode', 'dry_run', 'partial', 'direction', 'mapping_source', 'change_reason', 'connector_type') LIMIT 1;
  IF v_key IS NOT NULL THEN
    RAISE EXCEPTION 'unknown import option "%"', v_key USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF v_mode NOT IN ('merge', 'replace') THEN
    RAISE EXCEPTION 'mode must be merge or replace, not "%"', v_mode USING ERRCODE = 'invalid_parameter_value';
  END IF;
  v_dry := coalesce((v_opts->>'dry_run')::boolean, false);
  v_partial := coalesce((v_opts->>'partial')::boolean, false);
  IF connector IS NULL OR btrim(connector) = '' OR length(connector) > 255 THEN
    RAISE EXCEPTION 'connector name must be 1 to 255 characters' USING ERRCODE = 'invalid_parameter_value';
  END IF;

  CREATE TEMP TABLE IF NOT EXISTS fieldmap_import_rows (
      entity text, entity_schema_id uuid, canonical_field text, source_table text, source_field text,
      transform text, description text, problem text) ON COMMIT DROP;
  TRUNCATE fieldmap_import_rows;
  INSERT INTO fieldmap_import_rows SELECT * FROM fieldmap._mapping_doc_rows(doc, v_direction);
  UPDATE fieldmap_import_rows r
     SET problem = format('entity "%s", field "%s": listed more than once', r.entity, r.canonical_field)
   WHERE r.problem IS NULL AND (r.entity, r.source_table, r.source_field, r.canonical_field) IN (
         SELECT d.entity, d.source_table, d.source_field, d.canonical_field FROM fieldmap_import_rows d
          WHERE d.problem IS NULL GROUP BY 1, 2, 3, 4 HAVING count(*) > 1);

  SELECT jsonb_agg(jsonb_build_object('entity', r.entity, 'field', r.canonical_field, 'reason', r.problem)
                   ORDER BY r.entity, r.canonical_field)
    INTO v_rejected FROM fieldmap_import_rows r WHERE r.problem IS NOT NULL;
  IF v_rejected IS NOT NULL AND NOT v_partial THEN
    RAISE EXCEPTION '%', v_rejected->0->>'reason'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('%s entries rejected; nothing was imported', jsonb_array_length(v_rejected)),
            HINT = v_rejected::text;
  END IF;
  SELECT count(*) INTO v_valid FROM fieldmap_import_rows r WHERE r.problem IS NULL;

  IF v_opts ? 'change_reason' THEN
    PERFORM set_config('fieldmap.change_reason', v_opts->>'change_reason', true);
  END IF;

  -- the connector, with the entities' descriptions in its metadata
  SELECT c.id, c.metadata INTO v_connector, v_meta FROM fieldmap.connector_definitions c
   WHERE c.tenant_id = v_tenant AND c.connector_name = connector;
  IF NOT v_dry THEN
    IF v_connector IS NULL THEN
      INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
      VALUES (v_tenant, connector, coalesce(v_opts->>'connector_type', 'rest_api'))
      RETURNING id, metadata INTO v_connector, v_meta;
    END IF;
    UPDATE fieldmap.connector_definitions c
       SET metadata = jsonb_set(c.metadata, '{entities}', coalesce(c.metadata->'entities', '{}') || d.entities)
      FROM (SELECT jsonb_object_agg(r.entity, jsonb_build_object('description', r.description)) AS entities
              FROM (SELECT DISTINCT r.entity, r.description FROM fieldmap_import_rows r
                     WHERE r.problem IS NULL AND r.description IS NOT NULL) r) d
     WHERE c.tenant_id = v_tenant AND c.id = v_connector AND d.entities IS NOT NULL
       AND c.metadata->'entities' IS DISTINCT FROM coalesce(c.metadata->'entities', '{}') || d.entities;
  END IF;

  IF v_dry THEN
    SELECT count(*) FILTER (WHERE f.id IS NULL),
           count(*) FILTER (WHERE f.id IS NOT NULL AND (f.mapping_type, f.transformation_rule, f.status)
                              IS DISTINCT FROM (CASE WHEN r.transform IS NULL THEN 'direct' ELSE 'transformed' END,
                                                CASE WHEN r.transform IS NULL THEN NULL ELSE jsonb_build_object('transform', r.transform) END,
                                                'active'))
      INTO v_created, v_updated
      FROM fieldmap_import_rows r
      LEFT JOIN fieldmap.field_mappings f
        ON f.tenant_id = v_tenant AND f.connector_id = v_connector AND f.connection_id IS NULL
       AND f.source_table = r.source_table AND f.source_field = r.source_field
       AND f.canonical_entity = r.entity AND f.canonical_field = r.canonical_field
     WHERE r.problem IS NULL;
    IF v_mode = 'replace' THEN
      SELECT count(*) INTO v_deprecated FROM fieldmap.field_mappings f
       WHERE f.tenant_id = v_tenant AND f.connector_id = v_connector AND f.connection_id IS NULL AND f.status = 'active'
         AND NOT EXISTS (SELECT FROM fieldmap_import_rows r WHERE r.problem IS NULL AND r.source_table = f.source_table
                           AND r.source_field = f.source_field AND r.entity = f.canonical_entity
                           AND r.canonical_field = f.canonical_field);
    END IF;
  ELSE
    UPDATE fieldmap.field_mappings f
       SET mapping_type = CASE WHEN r.transform IS NULL THEN 'direct' ELSE 'transformed' END,
           transformation_rule = CASE WHEN r.transform IS NULL THEN NULL ELSE jsonb_build_object('transform', r.transform) END,
           status = 'active'
      FROM fieldmap_import_rows r
     WHERE r.problem IS NULL AND f.tenant_id = v_tenant AND f.connector_id = v_connector AND f.connection_id IS NULL
       AND f.source_table = r.source_table AND f.source_field = r.source_field
       AND f.canonical_entity = r.entity AND f.canonical_field = r.canonical_field
       AND (f.mapping_type, f.transformation_rule, f.status)
           IS DISTINCT FROM (CASE WHEN r.transform IS NULL THEN 'direct' ELSE 'transformed' END,
                             CASE WHEN r.transform IS NULL THEN NULL ELSE jsonb_build_object('transform', r.transform) END,
                             'active');
    GET DIAGNOSTICS v_updated = ROW_COUNT;

    IF v_mode = 'replace' THEN
      UPDATE fieldmap.field_mappings f SET status = 'deprecated'
       WHERE f.tenant_id = v_tenant AND f.connector_id = v_connector AND f.connection_id IS NULL AND f.status = 'active'
         AND NOT EXISTS (SELECT FROM fieldmap_import_rows r WHERE r.problem IS NULL AND r.source_table = f.source_table
                           AND r.source_field = f.source_field AND r.entity = f.canonical_entity
                           AND r.canonical_field = f.canonical_field);
      GET DIAGNOSTICS v_deprecated = ROW_COUNT;
    END IF;

    INSERT INTO fieldmap.field_mappings
      (tenant_id, connector_id, entity_schema_id, source_table, source_field, canonical_entity, canonical_field,
       mapping_type, transformation_rule, mapping_source)
    SELECT v_tenant, v_connector, r.entity_schema_id, r.source_table, r.source_field, r.entity, r.canonical_field,
           CASE WHEN r.transform IS NULL THEN 'direct' ELSE 'transformed' END,
           CASE WHEN r.transform IS NULL THEN NULL ELSE jsonb_build_object('transform', r.transform) END,
           v_source
      FROM fieldmap_import_rows r
     WHERE r.problem IS NULL
       AND NOT EXISTS (SELECT FROM fieldmap.field_mappings f
                        WHERE f.tenant_id = v_tenant AND f.connector_id = v_connector AND f.connection_id IS NULL
                          AND f.source_table = r.source_table AND f.source_field = r.source_field
                          AND f.canonical_entity = r.entity AND f.canonical_field = r.canonical_field);
    GET DIAGNOSTICS v_created = ROW_COUNT;
  END IF;

  PERFORM set_config('fieldmap.change_reason', coalesce(v_saved_why, ''), true);
  TRUNCATE fieldmap_import_rows;
  RETURN jsonb_build_object('connector', connector, 'created', v_created, 'updated', v_updated,
                            'unchanged', v_valid - v_created - v_updated, 'deprecated', v_deprecated,
                            'rejected', coalesce(v_rejected, '[]'), 'dry_run', v_dry);
END
$$;

COMMENT ON FUNCTION fieldmap.import_mappings(text, jsonb, jsonb) IS
  'Imports a connector''s legacy YAML mapping document (as JSON) into the session''s tenant: idempotent, audited, all or nothing unless partial; modes merge/replace (replace deprecates, never deletes); dry_run. Returns counts created/updated/unchanged/deprecated and the rejected entries.';
