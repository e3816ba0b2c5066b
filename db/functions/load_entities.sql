-- fieldmap.load_entities(doc json, version text) -> setof (entity_name, entity_version, action)
-- Loads canonical entity definitions into entity_schemas, each as a JSON
-- Schema. Input shape (canonical-entities.yaml as JSON):
--   {"account": {"description": "...", "fields": {"account_id": "string!", ...}}, ...}
-- where a trailing '!' marks a required field. Takes json, not jsonb, so
-- that duplicate keys are still visible and refused. One statement: either
-- every entity is loaded or none is. A released version is immutable:
-- reloading it unchanged is a no-op, reloading it changed is an error.
CREATE OR REPLACE FUNCTION fieldmap.load_entities(doc json, version text DEFAULT '1.0.0')
RETURNS TABLE (entity_name text, entity_version text, action text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_entity       record;
  v_field        record;
  v_key          text;
  v_type         text;
  v_field_schema jsonb;
  v_properties   jsonb;
  v_required     jsonb;
  v_definition   jsonb;
  v_description  text;
  v_existing     fieldmap.entity_schemas;
  v_version      text := load_entities.version;
BEGIN
  IF doc IS NULL OR json_typeof(doc) <> 'object' THEN
    RAISE EXCEPTION 'entity document must be an object of entities, got %', coalesce(json_typeof(doc), 'nothing')
      USING ERRCODE = 'MR001';
  END IF;
  IF v_version IS NULL OR v_version !~ '^[0-9]+\.[0-9]+\.[0-9]+$' THEN
    RAISE EXCEPTION 'entity version % is not MAJOR.MINOR.PATCH', coalesce(quote_literal(v_version), 'NULL')
      USING ERRCODE = 'MR001';
  END IF;
  IF NOT EXISTS (SELECT FROM json_each(doc)) THEN
    RAISE EXCEPTION 'entity document defines no entities' USING ERRCODE = 'MR001';
  END IF;

  FOR v_entity IN SELECT e.key, e.value, count(*) OVER (PARTITION BY e.key) AS n FROM json_each(doc) AS e LOOP
    IF v_entity.n > 1 THEN
      RAISE EXCEPTION 'entity "%" is defined more than once', v_entity.key USING ERRCODE = 'MR001';
    END IF;
    IF v_entity.key !~ '^[a-z][a-z0-9_]*$' OR length(v_entity.key) > 255 THEN
      RAISE EXCEPTION 'entity name "%" is invalid: use lowercase letters, digits and _, starting with a letter (at most 255)', v_entity.key
        USING ERRCODE = 'MR001';
    END IF;
    IF json_typeof(v_entity.value) <> 'object' THEN
      RAISE EXCEPTION 'entity "%": expected a mapping with "fields", got %', v_entity.key, json_typeof(v_entity.value)
        USING ERRCODE = 'MR001';
    END IF;
    FOR v_key IN SELECT k FROM json_object_keys(v_entity.value) AS k LOOP
      IF v_key NOT IN ('description', 'fields') THEN
        RAISE EXCEPTION 'entity "%": unknown key "%" (expected description, fields)', v_entity.key, v_key
          USING ERRCODE = 'MR001';
      END IF;
    END LOOP;
    IF json_typeof(v_entity.value->'description') NOT IN ('string', 'null') THEN
      RAISE EXCEPTION 'entity "%": description must be text', v_entity.key USING ERRCODE = 'MR001';
    END IF;
    IF coalesce(json_typeof(v_entity.value->'fields'), 'null') <> 'object'
       OR NOT EXISTS (SELECT FROM json_each(v_entity.value->'fields')) THEN
      RAISE EXCEPTION 'entity "%": "fields" must be a non-empty mapping of field name to type', v_entity.key
        USING ERRCODE = 'MR001';
    END IF;

    v_properties := '{}';
    v_required := '[]';
    FOR v_field IN SELECT f.key, f.value, count(*) OVER (PARTITION BY f.key) AS n
                     FROM json_each(v_entity.value->'fields') AS f LOOP
      IF v_field.n > 1 THEN
        RAISE EXCEPTION 'entity "%": field "%" is defined more than once', v_entity.key, v_field.key
          USING ERRCODE = 'MR001';
      END IF;
      IF v_field.key !~ '^[a-z][a-z0-9_]*$' OR length(v_field.key) > 255 THEN
        RAISE EXCEPTION 'entity "%": field name "%" is invalid: use lowercase letters, digits and _, starting with a letter (at most 255)',
          v_entity.key, v_field.key USING ERRCODE = 'MR001';
      END IF;
      IF json_typeof(v_field.value) <> 'string' THEN
        RAISE EXCEPTION 'entity "%": field "%": type must be text like "string" or "string!", got %',
          v_entity.key, v_field.key, json_typeof(v_field.value) USING ERRCODE = 'MR001';
      END IF;
      v_type := v_field.value #>> '{}';
      v_field_schema := fieldmap._entity_field_schema(rtrim(v_type, '!'));
      IF v_field_schema IS NULL OR v_type ~ '!.*!' THEN
        RAISE EXCEPTION 'entity "%": field "%": unknown type "%" (expected string, integer, number, decimal, boolean, datetime, string[] or object, with a trailing ! if required)',
          v_entity.key, v_field.key, v_type USING ERRCODE = 'MR001';
      END IF;
      v_properties := v_properties || jsonb_build_object(v_field.key, v_field_schema);
      IF v_type LIKE '%!' THEN
        v_required := v_required || to_jsonb(v_field.key);
      END IF;
    END LOOP;

    v_description := v_entity.value->>'description';
    v_definition := jsonb_strip_nulls(jsonb_build_object(
      '$schema', 'https://json-schema.org/draft/2020-12/schema',
      'title', v_entity.key,
      'description', v_description,
      'type', 'object',
      'properties', v_properties,
      'required', v_required,
      'additionalProperties', false));

    SELECT * INTO v_existing FROM fieldmap.entity_schemas es
     WHERE es.entity_name = v_entity.key AND es.entity_version = v_version;
    IF NOT FOUND THEN
      INSERT INTO fieldmap.entity_schemas (entity_name, entity_version, schema_definition, description)
      VALUES (v_entity.key, v_version, v_definition, v_description);
      action := 'created';
    ELSIF v_existing.schema_definition = v_definition
          AND v_existing.description IS NOT DISTINCT FROM v_description THEN
      action := 'unchanged';
    ELSE
      RAISE EXCEPTION 'entity "%" version % already exists with a different definition; load the new definition as a new version',
        v_entity.key, v_version USING ERRCODE = 'MR005';
    END IF;
    entity_name := v_entity.key;
    entity_version := v_version;
    RETURN NEXT;
  END LOOP;
END
$$;

COMMENT ON FUNCTION fieldmap.load_entities(json, text) IS
  'Loads canonical entities {"name": {"description": ..., "fields": {"field": "type[!]"}}} as JSON Schema into entity_schemas at the given version. All or nothing; idempotent; refuses to change an existing version. Returns one row per entity: created or unchanged.';
