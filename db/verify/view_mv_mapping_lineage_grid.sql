-- Verify fieldmap:view_mv_mapping_lineage_grid on pg
BEGIN;
SELECT id, tenant_id, source_system, source_table, source_field, target_entity, target_field,
       mapping_type, confidence_score, transformation_rule, validation_status, success_rate,
       avg_processing_time_ms, error_count, mapping_source, status, created_at, updated_at,
       created_by_email, updated_by_email
  FROM fieldmap.mv_mapping_lineage_grid WHERE false;
-- raises unless a unique index allows a concurrent refresh (the grid reads
-- every tenant: say so, for the row-level security added later)
SET LOCAL fieldmap._all_tenants = on;
REFRESH MATERIALIZED VIEW CONCURRENTLY fieldmap.mv_mapping_lineage_grid;
DO $$
BEGIN
  ASSERT NOT has_table_privilege('fieldmap_writer', 'fieldmap.mv_mapping_lineage_grid', 'SELECT'),
         'app roles must not read the lineage grid directly (no RLS on materialized views)';
END
$$;
ROLLBACK;
