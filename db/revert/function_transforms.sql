-- Revert fieldmap:function_transforms from pg
BEGIN;
DROP FUNCTION fieldmap.transform(text, jsonb, jsonb);
DROP FUNCTION fieldmap.try_transform(text, jsonb, jsonb);
DROP FUNCTION fieldmap._map_value(jsonb, jsonb, text);
DROP FUNCTION fieldmap._transform(text, jsonb, jsonb);
DROP FUNCTION fieldmap.transform_rule_problem(jsonb, text);
DROP FUNCTION fieldmap._tf_code(text, jsonb, jsonb);
DROP FUNCTION fieldmap._tf_datetime(text, jsonb, jsonb);
DROP FUNCTION fieldmap._tf_number(text, jsonb, jsonb);
DROP FUNCTION fieldmap._tf_numeric(jsonb);
DROP FUNCTION fieldmap._tf_text(text, jsonb, jsonb);
DROP FUNCTION fieldmap._tf_error(text, jsonb, text);
DROP FUNCTION fieldmap._boolean_words(boolean);
DROP FUNCTION fieldmap._blank_chars();
COMMIT;
