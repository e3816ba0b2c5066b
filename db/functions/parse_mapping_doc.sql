-- fieldmap.parse_mapping_doc(doc jsonb, direction text DEFAULT 'auto')
--   -> SETOF fieldmap.mapping_entry
-- Reads a mapping document (one connector's YAML file as JSON):
--   {"<entity>": {"description": "...", "source_table": "...", "fields": {...}}}
-- Field entries come in two directions:
--   canonical-first: canonical_field: source_field | {source: S, ...}
--   source-first (older files): source_field: canonical_field | {target: C, ...}
-- and an entry written as a mapping may add transform (a name from
-- fieldmap.transforms) with the keys of its rule (map_values: values,
-- default; to_timestamp: date_order, timezone; ...), source_table (this
-- field's table, when it is not the entity's) and confidence (0..1, for
-- reviewed suggestions).
-- direction 'auto' decides per entity: {target:} entries mean source-first,
-- {source:} entries canonical-first ("marked"); plain pairs go by which side
-- names fields of the canonical entity ("inferred"); an entity of identical
-- pairs only (name: name) reads the same both ways ("identity"). Refused rather than
-- guessed: an entity that reads both ways; a source-first reading inferred
-- where a source name is a near miss of a canonical field (emial: email is a
-- typo, not the source field emial); entities of one document inferred in
-- different directions; and a document whose values are type names (a
-- canonical-entities file given as mappings).
-- One row per entry, each with the problem that makes it unacceptable, if
-- any (entity-level problems: one row, no field); nothing is raised for the
-- content, so callers can report every problem at once.
CREATE OR REPLACE FUNCTION fieldmap.parse_mapping_doc(doc jsonb, direction text DEFAULT 'auto')
RETURNS SETOF fieldmap.mapping_entry
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c_type_names  CONSTANT text := '^(string|integer|number|decimal|boolean|datetime|string\[\]|object)!?$';
  v_entity      record;
  v_field       record;
  v_props       jsonb;
  v_names       text[];
  v_allowed     text[];
  v_dirs        jsonb := '{}'::jsonb;   -- entity -> direction as read (auto mode)
  v_marked      jsonb := '{}'::jsonb;   -- entity -> true when entries carried source:/target:
  v_dir         text;
  v_is_marked   boolean;
  v_key         text;
  v_spec        jsonb;
  v_canon       text;
  v_src         text;
  v_other       text;
  v_rows        fieldmap.mapping_entry[];
  v_dups        jsonb;           -- canonical field -> its sources, where it has more than one
  e             fieldmap.mapping_entry;
BEGIN
  IF direction IS NULL OR direction NOT IN ('auto', 'canonical-first', 'source-first') THEN
    RAISE EXCEPTION 'direction must be auto, canonical-first or source-first, not "%"', direction
      USING ERRCODE = 'MR001';
  END IF;
  IF doc IS NULL OR jsonb_typeof(doc) <> 'object' OR doc = '{}' THEN
    e.problem := 'the document must be a non-empty mapping of entity -> {fields: ...}';
    RETURN NEXT e;
    RETURN;
  END IF;

  -- pass 1: the direction each entity is written in, as its entries read
  FOR v_entity IN
    SELECT d.key, d.value->'fields' AS fields, es.schema_definition->'properties' AS props
      FROM jsonb_each(doc) d
      JOIN LATERAL (SELECT s.schema_definition FROM fieldmap.entity_schemas s WHERE s.entity_name = d.key
                     ORDER BY string_to_array(s.entity_version, '.')::integer[] DESC LIMIT 1) es ON true
     WHERE jsonb_typeof(d.value->'fields') = 'object' AND d.value->'fields' <> '{}'
  LOOP
    SELECT CASE
             WHEN bool_or(f.marked_target) AND bool_or(f.marked_source) THEN 'mixed'
             WHEN bool_or(f.marked_target) THEN 'source-first'
             WHEN bool_or(f.marked_source) THEN 'canonical-first'
             WHEN count(*) > 1 AND bool_and(coalesce(f.text_value ~ c_type_names, false)) THEN 'type names'
             WHEN bool_and(f.key IS NOT DISTINCT FROM f.text_value) THEN 'identity'  -- reads the same both ways
             WHEN bool_and(f.key_is_canonical) AND NOT bool_and(f.value_is_canonical) THEN 'canonical-first'
             WHEN bool_and(f.value_is_canonical) AND NOT bool_and(f.key_is_canonical) THEN 'source-first'
             WHEN bool_and(f.key_is_canonical) THEN 'ambiguous'
             ELSE 'canonical-first'  -- neither side fits: report the unknown canonical fields
           END,
           bool_or(f.marked_target OR f.marked_source)
      INTO v_dir, v_is_marked
      FROM (SELECT j.key,
                   jsonb_typeof(j.value) = 'object' AND j.value ? 'target' AS marked_target,
                   jsonb_typeof(j.value) = 'object' AND j.value ? 'source' AS marked_source,
                   CASE WHEN jsonb_typeof(j.value) = 'string' THEN j.value #>> '{}' END AS text_value,
                   v_entity.props ? j.key OR j.key LIKE 'extras.%' AS key_is_canonical,
                   coalesce(jsonb_typeof(j.value) = 'string'
                            AND (v_entity.props ? (j.value #>> '{}') OR j.value #>> '{}' LIKE 'extras.%'), false)
                     AS value_is_canonical
              FROM jsonb_each(v_entity.fields) j) f;
    v_dirs := v_dirs || jsonb_build_object(v_entity.key, v_dir);
    v_marked := v_marked || jsonb_build_object(v_entity.key, v_is_marked);
  END LOOP;

  -- pass 2: the entries
  FOR v_entity IN SELECT d.key, d.value FROM jsonb_each(doc) d ORDER BY d.key LOOP
    e := NULL;
    e.entity := v_entity.key;
    SELECT s.id, s.schema_definition->'properties' INTO e.entity_schema_id, v_props
      FROM fieldmap.entity_schemas s WHERE s.entity_name = v_entity.key
     ORDER BY string_to_array(s.entity_version, '.')::integer[] DESC LIMIT 1;
    IF e.entity_schema_id IS NULL THEN
      v_other := fieldmap.closest_name(v_entity.key, ARRAY(SELECT DISTINCT s.entity_name::text FROM fieldmap.entity_schemas s));
      e.problem := format('entity "%s": unknown canonical entity%s', v_entity.key,
                          coalesce(' (did you mean "' || v_other || '"?)', ' (load it with fieldmap entities load)'));
      RETURN NEXT e; CONTINUE;
    END IF;
    v_names := ARRAY(SELECT jsonb_object_keys(v_props));
    IF jsonb_typeof(v_entity.value) <> 'object' THEN
      e.problem := format('entity "%s": expected a mapping with "fields", got %s', v_entity.key, jsonb_typeof(v_entity.value));
      RETURN NEXT e; CONTINUE;
    END IF;
    SELECT k INTO v_key FROM jsonb_object_keys(v_entity.value) k WHERE k NOT IN ('description', 'fields', 'source_table') LIMIT 1;
    IF v_key IS NOT NULL THEN
      e.problem := format('entity "%s": unknown key "%s" (expected description, source_table, fields)', v_entity.key, v_key);
      RETURN NEXT e; CONTINUE;
    END IF;
    IF coalesce(jsonb_typeof(v_entity.value->'fields'), 'null') <> 'object' OR v_entity.value->'fields' = '{}' THEN
      e.problem := format('entity "%s": "fields" must be a non-empty mapping', v_entity.key);
      RETURN NEXT e; CONTINUE;
    END IF;
    IF jsonb_typeof(v_entity.value->'description') NOT IN ('string', 'null')
       OR jsonb_typeof(v_entity.value->'source_table') NOT IN ('string', 'null') THEN
      e.problem := format('entity "%s": description and source_table must be text', v_entity.key);
      RETURN NEXT e; CONTINUE;
    END IF;
    e.description := v_entity.value->>'description';
    e.source_table := coalesce(v_entity.value->>'source_table', v_entity.key);
    IF btrim(e.source_table) = '' OR length(e.source_table) > 255 THEN
      e.problem := format('entity "%s": source_table must be 1 to 255 characters', v_entity.key);
      RETURN NEXT e; CONTINUE;
    END IF;

    -- the direction of this entity's entries
    v_dir := CASE WHEN direction = 'auto' OR v_dirs->>v_entity.key = 'type names' THEN v_dirs->>v_entity.key
                  ELSE direction END;
    IF v_dir = 'type names' THEN
      e.problem := format('entity "%s": every field maps to a type name (%s): this is a canonical entities file, '
                          'not mappings; load it with fieldmap entities load', v_entity.key,
                          (SELECT string_agg(DISTINCT f.value #>> '{}', ', ') FROM jsonb_each(v_entity.value->'fields') f));
      RETURN NEXT e; CONTINUE;
    ELSIF v_dir IN ('mixed', 'ambiguous') THEN
      e.problem := format('entity "%s": cannot tell whether fields are written canonical-first or source-first (%s); pass --direction',
                          v_entity.key, CASE v_dir WHEN 'mixed' THEN 'it has both {source:} and {target:} entries'
                                                   ELSE 'both sides name canonical fields' END);
      RETURN NEXT e; CONTINUE;
    END IF;
    IF direction = 'auto' AND NOT (v_marked->>v_entity.key)::boolean THEN
      -- an inferred source-first reading where a source name is a near miss of a canonical field
      IF v_dir = 'source-first' THEN
        SELECT f.key, fieldmap.closest_name(f.key, v_names) INTO v_key, v_other
          FROM jsonb_each(v_entity.value->'fields') f
         WHERE NOT (v_props ? f.key) AND fieldmap.closest_name(f.key, v_names) IS NOT NULL
         ORDER BY f.key LIMIT 1;
        IF v_key IS NOT NULL THEN
          e.problem := format('entity "%s", field "%s": unknown canonical field "%s" (did you mean "%s"?); '
                              'if the file is written source-first (source: canonical), pass --direction source-first',
                              v_entity.key, v_key, v_key, v_other);
          RETURN NEXT e; CONTINUE;
        END IF;
      END IF;
      -- entities of one document read the same way, unless their entries say so
      SELECT d.key INTO v_key FROM jsonb_each_text(v_dirs) d
       WHERE v_dir IN ('canonical-first', 'source-first')
         AND d.value IN ('canonical-first', 'source-first') AND d.value <> v_dir LIMIT 1;
      IF v_key IS NOT NULL THEN
        e.problem := format('entity "%s": its fields read %s, but entity "%s" reads %s; a file is written one way: '
                            'pass --direction, or mark the entries ({source: ...} or {target: ...})',
                            v_entity.key, v_dir, v_key, v_dirs->>v_key);
        RETURN NEXT e; CONTINUE;
      END IF;
    END IF;
    e.direction := v_dir;

    v_rows := '{}';
    FOR v_field IN SELECT f.key, f.value FROM jsonb_each(v_entity.value->'fields') f ORDER BY f.key LOOP
      e.field_key := v_field.key;
      e.problem := NULL; e.transform := NULL; e.transformation_rule := NULL; e.confidence := NULL;
      v_canon := NULL; v_src := NULL;
      e.source_table := coalesce(v_entity.value->>'source_table', v_entity.key);
      v_spec := v_field.value;
      v_other := CASE v_dir WHEN 'source-first' THEN 'target' ELSE 'source' END;  -- the name key
      IF jsonb_typeof(v_spec) = 'string' THEN
        v_canon := CASE v_dir WHEN 'source-first' THEN v_spec #>> '{}' ELSE v_field.key END;
        v_src := CASE v_dir WHEN 'source-first' THEN v_field.key ELSE v_spec #>> '{}' END;
      ELSIF jsonb_typeof(v_spec) = 'object' THEN
        -- the keys an entry may have: its name, transform, source_table, confidence, and its transform's rule keys
        v_allowed := ARRAY[v_other, 'transform', 'source_table', 'confidence']
                     || coalesce((SELECT t.rule_keys FROM fieldmap.transforms t WHERE t.name = v_spec->>'transform'), '{}');
        SELECT k INTO v_key FROM jsonb_object_keys(v_spec) k WHERE NOT k = ANY (v_allowed) ORDER BY k LIMIT 1;
        IF v_key IS NOT NULL AND (NOT v_spec ? 'transform' OR v_spec->>'transform' IN (SELECT t.name FROM fieldmap.transforms t))
        THEN
          e.problem := format('entity "%s", field "%s": unknown key "%s"%s', v_entity.key, v_field.key, v_key,
                              coalesce(' (did you mean "' || fieldmap.closest_name(v_key, v_allowed) || '"?)',
                                       ' (expected ' || array_to_string(v_allowed, ', ') || ')'));
        ELSIF jsonb_typeof(v_spec->v_other) IS DISTINCT FROM 'string' THEN
          e.problem := format('entity "%s", field "%s": "%s" must be given as text', v_entity.key, v_field.key, v_other);
        ELSIF v_spec ? 'transform' AND jsonb_typeof(v_spec->'transform') <> 'string' THEN
          e.problem := format('entity "%s", field "%s": transform must be text', v_entity.key, v_field.key);
        ELSIF v_spec ? 'source_table' AND jsonb_typeof(v_spec->'source_table') <> 'string' THEN
          e.problem := format('entity "%s", field "%s": source_table must be text', v_entity.key, v_field.key);
        ELSIF v_spec ? 'confidence' AND (jsonb_typeof(v_spec->'confidence') <> 'number'
                                         OR NOT (v_spec->'confidence')::numeric BETWEEN 0 AND 1) THEN
          e.problem := format('entity "%s", field "%s": confidence must be a number from 0 to 1, not %s',
                              v_entity.key, v_field.key, v_spec->'confidence');
        ELSE
          e.transform := v_spec->>'transform';
          IF e.transform IS NOT NULL THEN  -- the rule: the transform and its keys, as the mapping stores it
            e.transformation_rule := jsonb_build_object('transform', e.transform)
                                     || (v_spec - ARRAY[v_other, 'transform', 'source_table', 'confidence']);
          END IF;
          e.confidence := (v_spec->>'confidence')::double precision;
          e.source_table := coalesce(v_spec->>'source_table', e.source_table);
          v_canon := CASE v_dir WHEN 'source-first' THEN v_spec->>'target' ELSE v_field.key END;
          v_src := CASE v_dir WHEN 'source-first' THEN v_field.key ELSE v_spec->>'source' END;
        END IF;
      ELSE
        e.problem := format('entity "%s", field "%s": expected a field name or a mapping, got %s', v_entity.key,
                            v_field.key, jsonb_typeof(v_spec));
      END IF;

      IF e.problem IS NULL THEN
        IF btrim(v_canon) = '' OR btrim(v_src) = '' OR btrim(e.source_table) = '' THEN
          e.problem := format('entity "%s", field "%s": empty field name', v_entity.key, v_field.key);
        ELSIF length(v_canon) > 255 OR length(v_src) > 255 OR length(e.transform) > 255 OR length(e.source_table) > 255 THEN
          e.problem := format('entity "%s", field "%s": names and transforms are limited to 255 characters',
                              v_entity.key, left(v_field.key, 60) || CASE WHEN length(v_field.key) > 60 THEN '...' ELSE '' END);
        ELSIF NOT fieldmap._is_canonical_target(v_props, v_canon) THEN  -- the rule trigger _20_check_canonical_field applies too
          v_key := fieldmap.closest_name(v_canon, array_remove(v_names, 'extras'));
          e.problem := format('entity "%s", field "%s": unknown canonical field "%s"%s', v_entity.key, v_field.key, v_canon,
                              coalesce(' (did you mean "' || v_key || '"?)',
                                       format(' (only fields of %s, or extras.<name>)', v_entity.key)));
        ELSIF e.transform IS NOT NULL AND fieldmap.transform_rule_problem(e.transformation_rule) IS NOT NULL THEN
          e.problem := format('entity "%s", field "%s": %s', v_entity.key, v_field.key,
                              fieldmap.transform_rule_problem(e.transformation_rule));
        END IF;
      END IF;
      e.canonical_field := v_canon;
      e.source_field := v_src;
      e.mapping_type := CASE WHEN e.transform IS NULL THEN 'direct' ELSE 'transformed' END;
      v_rows := v_rows || e;
    END LOOP;

    -- a canonical field takes one source (source-first files can name it
    -- twice); found in one pass (a scan of the entity's rows per row made a
    -- 100,000-field document take minutes)
    SELECT coalesce(jsonb_object_agg(d.canonical_field, d.sources), '{}') INTO v_dups
      FROM (SELECT r.canonical_field,
                   string_agg(format('%s.%s', r.source_table, r.source_field), ' and '
                              ORDER BY r.source_table, r.source_field) AS sources
              FROM unnest(v_rows) r
             WHERE r.problem IS NULL
             GROUP BY r.canonical_field
            HAVING count(*) > 1) d;
    FOR i IN 1 .. cardinality(v_rows) LOOP
      e := v_rows[i];
      IF e.problem IS NULL AND v_dups ? e.canonical_field THEN
        e.problem := format('entity "%s", field "%s": canonical field "%s" is mapped from %s; it takes one source',
                            e.entity, e.field_key, e.canonical_field, v_dups->>e.canonical_field);
      END IF;
      RETURN NEXT e;
    END LOOP;
  END LOOP;
END
$$;

COMMENT ON FUNCTION fieldmap.parse_mapping_doc(jsonb, text) IS
  'Reads a connector''s mapping document (its YAML as JSON, canonical-first or source-first) into entries: entity, canonical field, source table and field, transform, confidence, the direction read, and the problem that makes an entry unacceptable, if any. Writes nothing.';
