-- Revert fieldmap:function_mapping_documents from pg: put back the version released in @v0.1.0
-- (its frozen deploy script; add what the new version created and the old one lacks)
-- Deploy fieldmap:function_mapping_documents to pg
-- requires: function_admin
-- requires: function_history
-- requires: policy_tenant_isolation
-- requires: type_mapping_entry
-- requires: view_active_mappings
-- requires: table_transforms
-- requires: function_transforms
-- The YAML registry's way in and out: parse, plan and import, export,
-- compare (the seed's validate_migration).
-- Every API function here is SECURITY INVOKER: a writer's or reader's own
-- privileges suffice, and row-level security applies to them directly.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/connector_id@v0.1.0.sql
\ir ../functions/parse_mapping_doc@v0.1.0.sql
\ir ../functions/plan_import@v0.1.0.sql
\ir ../functions/import_mappings@v0.1.0.sql
\ir ../functions/export_mappings@v0.1.0.sql
\ir ../functions/compare_mappings@v0.1.0.sql

REVOKE ALL ON FUNCTION fieldmap.connector_id(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.parse_mapping_doc(jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.plan_import(text, jsonb, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.import_mappings(text, jsonb, text, boolean, boolean, text, text, text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.export_mappings(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.compare_mappings(text, jsonb, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION fieldmap.connector_id(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.parse_mapping_doc(jsonb, text) TO fieldmap_writer, fieldmap_reader;
GRANT EXECUTE ON FUNCTION fieldmap.plan_import(text, jsonb, text, text) TO fieldmap_writer, fieldmap_reader;
GRANT EXECUTE ON FUNCTION fieldmap.import_mappings(text, jsonb, text, boolean, boolean, text, text, text, text, boolean)
  TO fieldmap_writer;
GRANT EXECUTE ON FUNCTION fieldmap.export_mappings(text) TO fieldmap_writer, fieldmap_reader;
GRANT EXECUTE ON FUNCTION fieldmap.compare_mappings(text, jsonb, text) TO fieldmap_writer, fieldmap_reader;

-- added after @v0.1.0
DROP FUNCTION fieldmap._is_canonical_target(jsonb, text);

COMMIT;
