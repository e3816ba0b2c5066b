-- Revert fieldmap:function_migration from pg
BEGIN;
DROP FUNCTION fieldmap.create_tenant(text, text, jsonb, boolean);
DROP FUNCTION fieldmap.compare_mappings(text, jsonb, text);
DROP FUNCTION fieldmap.export_mappings(text);
DROP FUNCTION fieldmap.import_mappings(text, jsonb, jsonb);
DROP FUNCTION fieldmap._mapping_doc_rows(jsonb, text);
COMMIT;
