-- Revert fieldmap:comment_columns from pg: the comments it wrote go (those
-- it found written stay). What a view's column took from a table's column is
-- gathered before any goes, since lineage_grid took it from the grid.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT k.relname, a.attname
             FROM pg_class k JOIN pg_attribute a ON a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE k.relnamespace = 'fieldmap'::regnamespace AND k.relkind = 'r'
              AND col_description(k.oid, a.attnum) IN (
                    'The row''s id (its key, with the tenant where the table has one).',
                    'The tenant the row belongs to: row security admits the session tenant''s rows only.',
                    'When the row was made.', 'When the row last changed (stamped by the database).',
                    'When the audit chain sealed the row.')
           UNION
           SELECT DISTINCT v.relname, va.attname
             FROM pg_class v
             JOIN pg_attribute va ON va.attrelid = v.oid AND va.attnum > 0
             JOIN pg_rewrite r ON r.ev_class = v.oid
             JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                             AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.refobjid <> v.oid
             JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid AND ta.attname = va.attname
            WHERE v.relnamespace = 'fieldmap'::regnamespace AND v.relkind IN ('v', 'm')
              AND col_description(v.oid, va.attnum) = col_description(d.refobjid, d.refobjsubid) LOOP
    EXECUTE format('COMMENT ON COLUMN fieldmap.%I.%I IS NULL', c.relname, c.attname);
  END LOOP;
END
$$;

COMMENT ON COLUMN fieldmap.audit_chain.audit_id IS NULL;
COMMENT ON COLUMN fieldmap.audit_chain_heads.last_hash IS NULL;
COMMENT ON COLUMN fieldmap.audit_chain_heads.last_pos IS NULL;
COMMENT ON COLUMN fieldmap.connector_definitions.description IS NULL;
COMMENT ON COLUMN fieldmap.connector_samples.connector_id IS NULL;
COMMENT ON COLUMN fieldmap.currencies.name IS NULL;
COMMENT ON COLUMN fieldmap.entity_schemas.description IS NULL;
COMMENT ON COLUMN fieldmap.entity_schemas.entity_name IS NULL;
COMMENT ON COLUMN fieldmap.field_mappings.canonical_data_type IS NULL;
COMMENT ON COLUMN fieldmap.field_mappings.canonical_entity IS NULL;
COMMENT ON COLUMN fieldmap.field_mappings.connector_id IS NULL;
COMMENT ON COLUMN fieldmap.field_mappings.last_validated_at IS NULL;
COMMENT ON COLUMN fieldmap.field_mappings.notes IS NULL;
COMMENT ON COLUMN fieldmap.field_mappings.source_data_type IS NULL;
COMMENT ON COLUMN fieldmap.field_mappings.source_field IS NULL;
COMMENT ON COLUMN fieldmap.grid_refresh_state.last_duration_ms IS NULL;
COMMENT ON COLUMN fieldmap.grid_refresh_state.last_refresh_at IS NULL;
COMMENT ON COLUMN fieldmap.grid_refresh_state.last_rows IS NULL;
COMMENT ON COLUMN fieldmap.grid_refresh_state.one IS NULL;
COMMENT ON COLUMN fieldmap.grid_refresh_state.refreshes IS NULL;
COMMENT ON COLUMN fieldmap.mapping_embeddings.field_mapping_id IS NULL;
COMMENT ON COLUMN fieldmap.mapping_validation_results.error_message IS NULL;
COMMENT ON COLUMN fieldmap.mapping_validation_results.fail_count IS NULL;
COMMENT ON COLUMN fieldmap.mapping_validation_results.field_mapping_id IS NULL;
COMMENT ON COLUMN fieldmap.mapping_validation_results.pass_count IS NULL;
COMMENT ON COLUMN fieldmap.mapping_validation_results.validated_at IS NULL;
COMMENT ON COLUMN fieldmap.range_rules.entity_name IS NULL;
COMMENT ON COLUMN fieldmap.range_rules.field_name IS NULL;
COMMENT ON COLUMN fieldmap.range_rules.max_value IS NULL;
COMMENT ON COLUMN fieldmap.range_rules.min_value IS NULL;
COMMENT ON COLUMN fieldmap.range_rules.note IS NULL;
COMMENT ON COLUMN fieldmap.schema_embeddings.embedding_model IS NULL;
COMMENT ON COLUMN fieldmap.schema_embeddings.embedding_text IS NULL;
COMMENT ON COLUMN fieldmap.schema_embeddings.embedding_vector IS NULL;
COMMENT ON COLUMN fieldmap.schema_embeddings.entity_name IS NULL;
COMMENT ON COLUMN fieldmap.tenants.name IS NULL;
COMMENT ON COLUMN fieldmap.type_compatibility.canonical_type IS NULL;
COMMENT ON COLUMN fieldmap.type_compatibility.source_type IS NULL;
COMMENT ON COLUMN fieldmap.users.display_name IS NULL;
COMMENT ON COLUMN fieldmap.users.email IS NULL;
COMMENT ON COLUMN fieldmap.canonical_fields.entity_name IS NULL;
COMMENT ON COLUMN fieldmap.canonical_fields.field_name IS NULL;
COMMENT ON COLUMN fieldmap.canonical_fields.registry_type IS NULL;
COMMENT ON COLUMN fieldmap.canonical_fields.required IS NULL;
COMMENT ON COLUMN fieldmap.canonical_fields.entity_description IS NULL;
COMMENT ON COLUMN fieldmap.canonical_fields.entity_version IS NULL;
COMMENT ON COLUMN fieldmap.canonical_fields.entity_schema_id IS NULL;
COMMENT ON COLUMN fieldmap.schema_embedding_texts.embedding_text IS NULL;
COMMENT ON COLUMN fieldmap.mappings_to_embed.embedding_model IS NULL;
COMMENT ON COLUMN fieldmap.mv_mapping_lineage_grid.created_by_email IS NULL;
COMMENT ON COLUMN fieldmap.mv_mapping_lineage_grid.updated_by_email IS NULL;

COMMIT;
