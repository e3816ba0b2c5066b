-- Verify fieldmap:table_mapping_validation_results on pg
BEGIN;
SELECT tenant_id, id, field_mapping_id, validation_type, validation_status, error_message,
       sample_input, sample_output, test_count, pass_count, fail_count, validated_at, validated_by
  FROM fieldmap.mapping_validation_results WHERE false;
DO $$
BEGIN
  ASSERT to_regclass('fieldmap.idx_validation_mapping') IS NOT NULL, 'index idx_validation_mapping missing';
  ASSERT to_regclass('fieldmap.idx_validation_status') IS NOT NULL, 'index idx_validation_status missing';
END
$$;
ROLLBACK;
