-- Deploy fieldmap:trigger_check_canonical_field to pg
-- requires: table_field_mappings
-- requires: function_closest_name
-- The database refuses a mapping whose target its entity does not have.
-- Rows already stored are not checked: the trigger judges writes of the
-- target (and the schema version) alone.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_check_canonical_field.sql
REVOKE ALL ON FUNCTION fieldmap._check_canonical_field() FROM PUBLIC;

CREATE TRIGGER _20_check_canonical_field BEFORE INSERT OR UPDATE OF canonical_entity, canonical_field, entity_schema_id
  ON fieldmap.field_mappings FOR EACH ROW
  EXECUTE FUNCTION fieldmap._check_canonical_field();
COMMENT ON TRIGGER _20_check_canonical_field ON fieldmap.field_mappings IS
  'Refuses a canonical field its entity''s schema version lacks (or the bare extras), from any client.';

COMMIT;
