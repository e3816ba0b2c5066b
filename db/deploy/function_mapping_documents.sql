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
-- Reworked after v0.1.0: import gives a mapping whose source it changes the
-- import's provenance and confidence, not the replaced source's; the rule
-- for a target is one helper, _is_canonical_target, which the trigger
-- _check_canonical_field shares.
-- Every API function here is SECURITY INVOKER: a writer's or reader's own
-- privileges suffice, and row-level security applies to them directly.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/connector_id.sql
\ir ../functions/_is_canonical_target.sql
\ir ../functions/parse_mapping_doc.sql
\ir ../functions/plan_import.sql
\ir ../functions/import_mappings.sql
\ir ../functions/export_mappings.sql
\ir ../functions/compare_mappings.sql

REVOKE ALL ON FUNCTION fieldmap.connector_id(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._is_canonical_target(jsonb, text) FROM PUBLIC;
-- the import's parse (writers, readers planning) and the trigger (a writer's INSERT) call it with the caller's rights
GRANT EXECUTE ON FUNCTION fieldmap._is_canonical_target(jsonb, text) TO fieldmap_writer, fieldmap_reader;
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

COMMIT;
