-- Revert fieldmap:function_apply_mapping from pg
BEGIN;
DROP FUNCTION fieldmap.apply_mapping(text, text, jsonb);
DROP FUNCTION fieldmap._jsonb_object_expr(text[]);
DROP FUNCTION fieldmap.apply_mappings(text, text, jsonb[]);
DROP FUNCTION fieldmap._transform_sql(text, jsonb, text);
DROP FUNCTION fieldmap._source_value(jsonb, text);
COMMIT;
