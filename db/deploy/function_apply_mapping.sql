-- Deploy fieldmap:function_apply_mapping to pg
-- requires: function_transforms
-- requires: view_active_mappings
-- requires: function_mapping_documents
-- What a mapping means: the canonical record of a source record.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/apply_mapping.sql

REVOKE ALL ON FUNCTION fieldmap.apply_mappings(text, text, jsonb[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._jsonb_object_expr(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._canonical_record(jsonb, jsonb, jsonb[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.apply_mapping(text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.apply_mappings(text, text, jsonb[]), fieldmap._jsonb_object_expr(text[]),
  fieldmap._canonical_record(jsonb, jsonb, jsonb[]),
  fieldmap.apply_mapping(text, text, jsonb) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
