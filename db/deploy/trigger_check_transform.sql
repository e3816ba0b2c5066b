-- Deploy fieldmap:trigger_check_transform to pg
-- requires: function_transforms
-- requires: table_field_mappings
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_check_mapping_transform.sql
REVOKE ALL ON FUNCTION fieldmap._check_mapping_transform() FROM PUBLIC;

CREATE TRIGGER _20_check_transform BEFORE INSERT OR UPDATE OF transformation_rule, coercion_function
  ON fieldmap.field_mappings FOR EACH ROW
  WHEN (NEW.transformation_rule IS NOT NULL OR NEW.coercion_function IS NOT NULL)
  EXECUTE FUNCTION fieldmap._check_mapping_transform();
COMMENT ON TRIGGER _20_check_transform ON fieldmap.field_mappings IS
  'Refuses an unknown transform or a rule its transform cannot read, from any client.';

COMMIT;
