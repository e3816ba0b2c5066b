-- Verify fieldmap:table_field_mappings on pg
BEGIN;
SELECT tenant_id, id, connection_id, connector_id, entity_schema_id,
       source_table, source_field, source_data_type,
       canonical_entity, canonical_field, canonical_data_type,
       mapping_type, transformation_rule, coercion_function,
       confidence_score, validation_status, success_rate, avg_processing_time_ms,
       error_count, last_validated_at, mapping_source, version, status, notes,
       created_at, created_by, updated_at, updated_by
  FROM fieldmap.field_mappings WHERE false;
DO $$
DECLARE
  i text;
BEGIN
  FOREACH i IN ARRAY ARRAY['idx_mapping_entity', 'idx_mapping_status',
                           'idx_mapping_confidence', 'idx_mapping_source', 'idx_mapping_source_field',
                           'unique_active_mapping'] LOOP
    ASSERT to_regclass('fieldmap.' || i) IS NOT NULL, format('index %s missing', i);
  END LOOP;
  ASSERT (SELECT indisunique AND indnullsnotdistinct AND pg_get_expr(indpred, indrelid) = '((status)::text = ''active''::text)'
            FROM pg_index WHERE indexrelid = 'fieldmap.unique_active_mapping'::regclass),
         'unique_active_mapping must be unique over active mappings, treating NULL connection_id as equal';
  ASSERT has_table_privilege('fieldmap_writer', 'fieldmap.field_mappings', 'UPDATE'), 'fieldmap_writer cannot update mappings';
  ASSERT NOT has_table_privilege('fieldmap_reader', 'fieldmap.field_mappings', 'UPDATE'), 'fieldmap_reader may update mappings';
END
$$;
ROLLBACK;
