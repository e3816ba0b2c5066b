-- Deploy fieldmap:view_mv_mapping_lineage_grid to pg
-- requires: table_field_mappings
-- Seed fixes: a unique index, so REFRESH ... CONCURRENTLY works; users are
-- joined on (tenant_id, id); secondary indexes lead with tenant_id. A
-- materialized view cannot carry row-level security, so no app role may read
-- it directly: they go through a tenant-filtering view (audit/tenancy change).
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE MATERIALIZED VIEW fieldmap.mv_mapping_lineage_grid AS
SELECT
    fm.id,
    fm.tenant_id,
    cd.connector_name AS source_system,
    fm.source_table,
    fm.source_field,
    fm.canonical_entity AS target_entity,
    fm.canonical_field AS target_field,
    fm.mapping_type,
    fm.confidence_score,
    fm.transformation_rule,
    fm.validation_status,
    fm.success_rate,
    fm.avg_processing_time_ms,
    fm.error_count,
    fm.mapping_source,
    fm.status,
    fm.created_at,
    fm.updated_at,
    u_created.email AS created_by_email,
    u_updated.email AS updated_by_email
FROM fieldmap.field_mappings fm
JOIN fieldmap.connector_definitions cd ON cd.tenant_id = fm.tenant_id AND cd.id = fm.connector_id
LEFT JOIN fieldmap.users u_created ON u_created.tenant_id = fm.tenant_id AND u_created.id = fm.created_by
LEFT JOIN fieldmap.users u_updated ON u_updated.tenant_id = fm.tenant_id AND u_updated.id = fm.updated_by
WHERE fm.status = 'active';

CREATE UNIQUE INDEX idx_mv_lineage_pk ON fieldmap.mv_mapping_lineage_grid (tenant_id, id);
CREATE INDEX idx_mv_lineage_source ON fieldmap.mv_mapping_lineage_grid (tenant_id, source_system);
CREATE INDEX idx_mv_lineage_entity ON fieldmap.mv_mapping_lineage_grid (tenant_id, target_entity);
CREATE INDEX idx_mv_lineage_confidence ON fieldmap.mv_mapping_lineage_grid (tenant_id, confidence_score);

COMMENT ON MATERIALIZED VIEW fieldmap.mv_mapping_lineage_grid IS
  'fieldmap: the tabular lineage grid (active mappings with their source system and people), refreshed concurrently. Not readable by app roles: a materialized view has no row-level security.';
COMMENT ON COLUMN fieldmap.mv_mapping_lineage_grid.source_system IS 'connector_name of the mapping''s connector.';
COMMENT ON COLUMN fieldmap.mv_mapping_lineage_grid.target_entity IS 'canonical_entity of the mapping.';
COMMENT ON COLUMN fieldmap.mv_mapping_lineage_grid.target_field IS 'canonical_field of the mapping.';
COMMENT ON INDEX fieldmap.idx_mv_lineage_pk IS 'Unique key that REFRESH MATERIALIZED VIEW CONCURRENTLY needs.';

COMMIT;
