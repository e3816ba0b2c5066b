-- Deploy fieldmap:function_validation to pg
-- requires: function_apply_mapping
-- requires: table_validation_rules
-- requires: table_connector_samples
-- requires: table_mapping_validation_results
-- requires: view_active_mappings
-- The seed's validation framework: format_check, type_check, live_test and
-- range_check of mappings, recorded in mapping_validation_results.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/validate_mapping.sql

REVOKE ALL ON FUNCTION fieldmap._fits_type(jsonb, text), fieldmap._range_problem(text, text, text, jsonb),
  fieldmap._validation_checks(uuid[], jsonb), fieldmap.validate_mapping_ids(uuid[], jsonb),
  fieldmap.validate_mapping(uuid, jsonb), fieldmap.validate_mappings(text), fieldmap.add_samples(text, text, jsonb),
  fieldmap.validate_all_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap._fits_type(jsonb, text), fieldmap._range_problem(text, text, text, jsonb),
  fieldmap._validation_checks(uuid[], jsonb) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.validate_mapping_ids(uuid[], jsonb), fieldmap.validate_mapping(uuid, jsonb),
  fieldmap.validate_mappings(text), fieldmap.add_samples(text, text, jsonb) TO fieldmap_writer;

COMMIT;
