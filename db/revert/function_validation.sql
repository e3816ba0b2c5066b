-- Revert fieldmap:function_validation from pg
BEGIN;
DROP FUNCTION fieldmap.validate_all_tenants();
DROP FUNCTION fieldmap.add_samples(text, text, jsonb);
DROP FUNCTION fieldmap.validate_mappings(text);
DROP FUNCTION fieldmap.validate_mapping(uuid, jsonb);
DROP FUNCTION fieldmap.validate_mapping_ids(uuid[], jsonb);
DROP FUNCTION fieldmap._validation_checks(uuid[], jsonb);
DROP FUNCTION fieldmap._range_problem(text, text, text, jsonb);
DROP FUNCTION fieldmap._fits_type(jsonb, text);
COMMIT;
