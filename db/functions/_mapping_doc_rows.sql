-- fieldmap._mapping_doc_rows(doc jsonb, direction text) -> one row per mapping entry
-- Reads a legacy mapping document (one connector's YAML file as JSON):
--   {"<entity>": {"description": "...", "source_table": "...", "fields": {...}}}
-- Field entries come in two directions:
--   canonical-first: canonical_field: source_field | {source: S, transform: T}
--   source-first (older files): source_field: canonical_field | {target: C, transform: T}
-- direction 'auto' decides per entity: {target:} entries mean source-first,
-- {source:} entries canonical-first; plain pairs go by which side names
-- fields of the canonical entity (its latest version); an entity that reads
-- both ways differently is refused as ambiguous rather than guessed.
-- Canonical fields must exist in the entity, or lie under extras.
-- source_table defaults to the entity's key. A row with a problem names
-- entity, field and what is wrong; nothing is raised here, so callers can
-- report every problem at once.
CREATE OR REPLACE FUNCTION fieldmap._mapping_doc_rows(doc jsonb, direction text DEFAULT 'auto')
RETURNS TABLE (entity text, entity_schema_id uuid, canonical_field text, source_table text, source_field text,
               transform text, description text, problem text)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog
AS $$
DECLARE
  v_entity  record;
  v_field   record;
  v_props   jsonb;
  v_dir     text;
  v_key     text;
  v_spec    jsonb;
  v_canon   text;
  v_src     text;
BEGIN
  IF direction NOT IN ('auto', 'canonical-first', 'source-first') THEN
    RAISE EXCEPTION 'direction must be auto, canonical-first or source-first, not "%"', direction
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF doc IS NULL OR jsonb_typeof(doc) <> 'object' OR doc = '{}' THEN
    entity := NULL; problem := 'the document must be a non-empty mapping of entity -> {fields: ...}';
    RETURN NEXT; RETURN;
  END IF;

  FOR v_entity IN SELECT e.key, e.value FROM jsonb_each(doc) e ORDER BY e.key LOOP
    entity := v_entity.key;
    entity_schema_id := NULL; canonical_field := NULL; source_field := NULL; transform := NULL; problem := NULL;
    description := NULL; source_table := NULL;
    SELECT es.id, es.schema_definition->'properties' INTO entity_schema_id, v_props
      FROM fieldmap.entity_schemas es WHERE es.entity_name = v_entity.key
     ORDER BY string_to_array(es.entity_version, '.')::integer[] DESC LIMIT 1;
    IF entity_schema_id IS NULL THEN
      problem := format('entity "%s": unknown canonical entity (load it with fieldmap entities load)', v_entity.key);
      RETURN NEXT; CONTINUE;
    END IF;
    IF jsonb_typeof(v_entity.value) <> 'object' THEN
      problem := format('entity "%s": expected a mapping with "fields", got %s', v_entity.key, jsonb_typeof(v_entity.value));
      RETURN NEXT; CONTINUE;
    END IF;
    SELECT k INTO v_key FROM jsonb_object_keys(v_entity.value) k WHERE k NOT IN ('description', 'fields', 'source_table') LIMIT 1;
    IF v_key IS NOT NULL THEN
      problem := format('entity "%s": unknown key "%s" (expected description, source_table, fields)', v_entity.key, v_key);
      RETURN NEXT; CONTINUE;
    END IF;
    IF coalesce(jsonb_typeof(v_entity.value->'fields'), 'null') <> 'object' OR v_entity.value->'fields' = '{}' THEN
      problem := format('entity "%s": "fields" must be a non-empty mapping', v_entity.key);
      RETURN NEXT; CONTINUE;
    END IF;
    IF jsonb_typeof(v_entity.value->'description') NOT IN ('string', 'null')
       OR jsonb_typeof(v_entity.value->'source_table') NOT IN ('string', 'null') THEN
      problem := format('entity "%s": description and source_table must be text', v_entity.key);
      RETURN NEXT; CONTINUE;
    END IF;
    description := v_entity.value->>'description';
    source_table := coalesce(v_entity.value->>'source_table', v_entity.key);
    IF btrim(source_table) = '' OR length(source_table) > 255 THEN
      problem := format('entity "%s": source_table must be 1 to 255 characters', v_entity.key);
      RETURN NEXT; CONTINUE;
    END IF;

    -- direction of this entity
    v_dir := direction;
    IF v_dir = 'auto' THEN
      SELECT CASE
               WHEN bool_or(f.value ? 'target') AND bool_or(f.value ? 'source') THEN 'mixed'
               WHEN bool_or(f.value ? 'target') THEN 'source-first'
               WHEN bool_or(f.value ? 'source') THEN 'canonical-first'
               WHEN bool_and(v_props ? f.key OR f.key LIKE 'extras.%')
                    AND NOT bool_and(jsonb_typeof(f.value) = 'string' AND (v_props ? (f.value #>> '{}') OR f.value #>> '{}' LIKE 'extras.%'))
                 THEN 'canonical-first'
               WHEN bool_and(jsonb_typeof(f.value) = 'string' AND (v_props ? (f.value #>> '{}') OR f.value #>> '{}' LIKE 'extras.%'))
                    AND NOT bool_and(v_props ? f.key OR f.key LIKE 'extras.%')
                 THEN 'source-first'
               WHEN bool_and(jsonb_typeof(f.value) = 'string' AND f.key = f.value #>> '{}') THEN 'canonical-first'
               WHEN bool_and(v_props ? f.key OR f.key LIKE 'extras.%') THEN 'ambiguous'
               ELSE 'canonical-first'  -- neither side fits: report the unknown canonical fields
             END
        INTO v_dir
        FROM jsonb_each(v_entity.value->'fields') f;
      IF v_dir IN ('mixed', 'ambiguous') THEN
        problem := format('entity "%s": cannot tell whether fields are written canonical-first or source-first (%s); pass --direction',
                          v_entity.key, CASE v_dir WHEN 'mixed' THEN 'it has both {source:} and {target:} entries'
                                                   ELSE 'both sides name canonical fields' END);
        RETURN NEXT; CONTINUE;
      END IF;
    END IF;

    FOR v_field IN SELECT f.key, f.value FROM jsonb_each(v_entity.value->'fields') f ORDER BY f.key LOOP
      problem := NULL; transform := NULL; v_canon := NULL; v_src := NULL;
      v_spec := v_field.value;
      IF jsonb_typeof(v_spec) = 'string' THEN
        IF v_dir = 'canonical-first' THEN v_canon := v_field.key; v_src := v_spec #>> '{}';
        ELSE v_src := v_field.key; v_canon := v_spec #>> '{}'; END IF;
      ELSIF jsonb_typeof(v_spec) = 'object' THEN
        SELECT k INTO v_key FROM jsonb_object_keys(v_spec) k
         WHERE k NOT IN (CASE v_dir WHEN 'canonical-first' THEN 'source' ELSE 'target' END, 'transform') LIMIT 1;
        IF v_key IS NOT NULL THEN
          problem := format('entity "%s", field "%s": unknown key "%s" (expected %s and transform)', v_entity.key,
                            v_field.key, v_key, CASE v_dir WHEN 'canonical-first' THEN 'source' ELSE 'target' END);
        ELSIF jsonb_typeof(v_spec->CASE v_dir WHEN 'canonical-first' THEN 'source' ELSE 'target' END) IS DISTINCT FROM 'string' THEN
          problem := format('entity "%s", field "%s": "%s" must be given as text', v_entity.key, v_field.key,
                            CASE v_dir WHEN 'canonical-first' THEN 'source' ELSE 'target' END);
        ELSIF v_spec ? 'transform' AND jsonb_typeof(v_spec->'transform') <> 'string' THEN
          problem := format('entity "%s", field "%s": transform must be text', v_entity.key, v_field.key);
        ELSE
          transform := v_spec->>'transform';
          IF v_dir = 'canonical-first' THEN v_canon := v_field.key; v_src := v_spec->>'source';
          ELSE v_src := v_field.key; v_canon := v_spec->>'target'; END IF;
        END IF;
      ELSE
        problem := format('entity "%s", field "%s": expected a field name or a mapping, got %s', v_entity.key, v_field.key,
                          jsonb_typeof(v_spec));
      END IF;

      IF problem IS NULL THEN
        IF btrim(v_canon) = '' OR btrim(v_src) = '' THEN
          problem := format('entity "%s", field "%s": empty field name', v_entity.key, v_field.key);
        ELSIF length(v_canon) > 255 OR length(v_src) > 255 OR length(transform) > 255 THEN
          problem := format('entity "%s", field "%s": names and transforms are limited to 255 characters',
                            v_entity.key, left(v_field.key, 60) || CASE WHEN length(v_field.key) > 60 THEN '...' ELSE '' END);
        ELSIF NOT (v_props ? v_canon OR v_canon ~ '^extras\.[^.]') THEN
          problem := format('entity "%s", field "%s": unknown canonical field "%s" (only fields of %s, or extras.<name>)',
                            v_entity.key, v_field.key, v_canon, v_entity.key);
        END IF;
      END IF;
      canonical_field := v_canon;
      source_field := v_src;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END
$$;

COMMENT ON FUNCTION fieldmap._mapping_doc_rows(jsonb, text) IS
  'Internal: the entries of a legacy mapping document (either direction) as rows, each with the problem that makes it unacceptable, if any.';
