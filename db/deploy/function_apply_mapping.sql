-- Deploy fieldmap:function_apply_mapping to pg
-- requires: function_transforms
-- requires: view_active_mappings
-- requires: function_mapping_documents
-- What a mapping means: the canonical record of a source record.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/_source_value.sql
\ir ../functions/_transform_sql.sql
\ir ../functions/apply_mapping.sql

REVOKE ALL ON FUNCTION fieldmap._transform_sql(text, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.apply_mappings(text, text, jsonb[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._jsonb_object_expr(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.apply_mapping(text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap._source_value(jsonb, text), fieldmap._transform_sql(text, jsonb, text),
  fieldmap.apply_mappings(text, text, jsonb[]), fieldmap._jsonb_object_expr(text[]),
  fieldmap.apply_mapping(text, text, jsonb) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
