-- fieldmap._check_canonical_field() -- BEFORE INSERT OR UPDATE OF
-- canonical_entity, canonical_field, entity_schema_id, FOR EACH ROW, on
-- field_mappings. An entity the schema version is not of is named too (the
-- foreign key said only its constraint's name).
-- A mapping's target must be a field of its entity's schema version, or a
-- slot extras.<name>; the open bag extras itself is no target (apply_mapping
-- would drop the value). An import refuses such an entry first, with its
-- file and entity; this holds every other writer (psql, an application) to
-- the same rule, so that apply_mapping and export never meet a target the
-- schema lacks (export would write a file that import refuses).
CREATE OR REPLACE FUNCTION fieldmap._check_canonical_field()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_props  jsonb;
  v_fields text[];
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.canonical_entity, NEW.canonical_field, NEW.entity_schema_id)
                          IS NOT DISTINCT FROM (OLD.canonical_entity, OLD.canonical_field, OLD.entity_schema_id) THEN
    RETURN NEW;
  END IF;
  IF NOT EXISTS (SELECT FROM fieldmap.entity_schemas s WHERE s.id = NEW.entity_schema_id
                                                         AND s.entity_name = NEW.canonical_entity) THEN
    RAISE EXCEPTION 'mapping %.% -> %.%: canonical entity "%" is not the entity of its schema version%', NEW.source_table,
      NEW.source_field, NEW.canonical_entity, NEW.canonical_field, NEW.canonical_entity,
      coalesce(' (did you mean "' || fieldmap.closest_name(NEW.canonical_entity,
                                      ARRAY(SELECT DISTINCT s.entity_name::text FROM fieldmap.entity_schemas s
                                             WHERE s.entity_name <> NEW.canonical_entity)) || '"?)', '')
      USING ERRCODE = 'MR001';
  END IF;
  SELECT s.schema_definition->'properties' INTO v_props FROM fieldmap.entity_schemas s WHERE s.id = NEW.entity_schema_id;
  IF fieldmap._is_canonical_target(v_props, NEW.canonical_field) THEN  -- the rule import applies (parse_mapping_doc)
    RETURN NEW;
  END IF;
  SELECT array_agg(p.key ORDER BY p.key) INTO v_fields FROM jsonb_object_keys(v_props) p (key) WHERE p.key <> 'extras';
  RAISE EXCEPTION 'mapping %.% -> %.%: unknown canonical field "%"%', NEW.source_table, NEW.source_field,
    NEW.canonical_entity, NEW.canonical_field, NEW.canonical_field,
    coalesce(' (did you mean "' || fieldmap.closest_name(NEW.canonical_field, v_fields) || '"?)',
             format(' (only fields of %s, or extras.<name>)', NEW.canonical_entity))
    USING ERRCODE = 'MR001';
END
$$;

COMMENT ON FUNCTION fieldmap._check_canonical_field() IS
  'Internal trigger: refuses a mapping whose canonical field is not a field of its entity''s schema version (nor extras.<name>).';
