-- Deploy fieldmap:function_transforms to pg
-- requires: table_transforms
-- requires: table_reference_codes
-- requires: function_closest_name
-- The transform library: what a mapping may do to a value on its way to the
-- canonical field. All SECURITY INVOKER and side-effect free; the internal
-- implementations (_tf_*) are executable by the roles that apply and
-- validate mappings, since apply_mapping runs with the caller's rights.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/_tf_text.sql
\ir ../functions/_tf_numbers.sql
\ir ../functions/_tf_dates.sql
\ir ../functions/_tf_codes.sql
\ir ../functions/transform.sql

REVOKE ALL ON FUNCTION fieldmap._tf_error(text, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._tf_text(text, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._tf_numeric(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._tf_number(text, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._tf_datetime(text, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._tf_code(text, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._transform(text, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._map_value(jsonb, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.transform_rule_problem(jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.try_transform(text, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.transform(text, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap._blank_chars(), fieldmap._boolean_words(boolean),
  fieldmap._tf_error(text, jsonb, text), fieldmap._tf_text(text, jsonb, jsonb),
  fieldmap._tf_numeric(jsonb), fieldmap._tf_number(text, jsonb, jsonb), fieldmap._tf_datetime(text, jsonb, jsonb),
  fieldmap._tf_code(text, jsonb, jsonb), fieldmap._transform(text, jsonb, jsonb), fieldmap._map_value(jsonb, jsonb, text),
  fieldmap.transform_rule_problem(jsonb, text), fieldmap.try_transform(text, jsonb, jsonb),
  fieldmap.transform(text, jsonb, jsonb)
  TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
