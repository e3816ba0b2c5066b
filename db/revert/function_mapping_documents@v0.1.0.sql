-- Revert fieldmap:function_mapping_documents from pg
BEGIN;
DROP FUNCTION fieldmap.compare_mappings(text, jsonb, text);
DROP FUNCTION fieldmap.export_mappings(text);
DROP FUNCTION fieldmap.import_mappings(text, jsonb, text, boolean, boolean, text, text, text, text, boolean);
DROP FUNCTION fieldmap.plan_import(text, jsonb, text, text);
DROP FUNCTION fieldmap.parse_mapping_doc(jsonb, text);
DROP FUNCTION fieldmap.connector_id(text);
COMMIT;
