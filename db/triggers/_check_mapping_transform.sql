-- fieldmap._check_mapping_transform() -- BEFORE INSERT OR UPDATE OF
-- transformation_rule, coercion_function, FOR EACH ROW, on field_mappings,
-- when the mapping names a transform.
-- The database refuses a mapping whose transform is unknown or whose rule
-- its transform cannot read (transform_rule_problem), whichever client
-- writes it: the glue, an import, psql. A column-specific trigger with a
-- WHEN clause: updates that leave both columns alone never call it.
CREATE OR REPLACE FUNCTION fieldmap._check_mapping_transform()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_problem text := fieldmap.transform_rule_problem(NEW.transformation_rule, NEW.coercion_function);
BEGIN
  IF v_problem IS NOT NULL THEN
    RAISE EXCEPTION 'mapping %.% -> %.%: %', NEW.source_table, NEW.source_field, NEW.canonical_entity,
      NEW.canonical_field, v_problem USING ERRCODE = 'MR001';
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fieldmap._check_mapping_transform() IS
  'Internal trigger: refuses a mapping whose transformation_rule or coercion_function cannot be applied (transform_rule_problem).';
