-- Deploy fieldmap:function_migration to pg
-- requires: function_history
-- requires: policy_tenant_isolation
-- The YAML registry's way in and out: import, export, compare (the seed's
-- validate_migration), and explicit tenant creation.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/_mapping_doc_rows.sql
\ir ../functions/import_mappings.sql
\ir ../functions/export_mappings.sql
\ir ../functions/compare_mappings.sql
\ir ../functions/create_tenant.sql

REVOKE ALL ON FUNCTION fieldmap._mapping_doc_rows(jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.import_mappings(text, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.export_mappings(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.compare_mappings(text, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.create_tenant(text, text, jsonb, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.import_mappings(text, jsonb, jsonb) TO fieldmap_writer;
GRANT EXECUTE ON FUNCTION fieldmap.export_mappings(text) TO fieldmap_writer, fieldmap_reader;
GRANT EXECUTE ON FUNCTION fieldmap.compare_mappings(text, jsonb, text) TO fieldmap_writer, fieldmap_reader;

COMMIT;
