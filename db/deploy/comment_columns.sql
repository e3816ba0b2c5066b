-- Deploy fieldmap:comment_columns to pg
-- requires: trigger_check_canonical_field
-- Every column says what it holds, so that \d+ documents the registry (half
-- the columns said nothing). It comes after every change that makes a table
-- or view. A column of one meaning in every table (id, tenant_id, the
-- stamps) is said once, below; a view's column that passes a table's column
-- through takes that column's comment, found through the view's dependencies.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

COMMENT ON COLUMN fieldmap.audit_chain.audit_id IS 'The audit_log row this link of the chain seals.';
COMMENT ON COLUMN fieldmap.audit_chain_heads.last_hash IS 'The hash of the tenant''s last sealed audit row: the next seal chains from it.';
COMMENT ON COLUMN fieldmap.audit_chain_heads.last_pos IS 'The position of the tenant''s last sealed audit row in its chain.';
COMMENT ON COLUMN fieldmap.connector_definitions.description IS 'Free text about the connector, for people.';
COMMENT ON COLUMN fieldmap.connector_samples.connector_id IS 'The connector whose source records these are.';
COMMENT ON COLUMN fieldmap.currencies.name IS 'The currency''s English name.';
COMMENT ON COLUMN fieldmap.entity_schemas.description IS 'What the canonical entity stands for; embedded with its name for suggestions.';
COMMENT ON COLUMN fieldmap.entity_schemas.entity_name IS 'The canonical entity''s name (account, contact, ...): one row per version.';
COMMENT ON COLUMN fieldmap.field_mappings.canonical_data_type IS 'The canonical field''s type, as the mapping records it (informational).';
COMMENT ON COLUMN fieldmap.field_mappings.canonical_entity IS 'The canonical entity mapped to; agrees with entity_schema_id.';
COMMENT ON COLUMN fieldmap.field_mappings.connector_id IS 'The connector (of the same tenant) whose source field this maps.';
COMMENT ON COLUMN fieldmap.field_mappings.last_validated_at IS 'When validate_mapping last checked this mapping.';
COMMENT ON COLUMN fieldmap.field_mappings.notes IS 'Free text about the mapping, for people.';
COMMENT ON COLUMN fieldmap.field_mappings.source_data_type IS 'The source field''s type in the source system, when known.';
COMMENT ON COLUMN fieldmap.field_mappings.source_field IS 'The field in the source system, stored verbatim (never executed).';
COMMENT ON COLUMN fieldmap.grid_refresh_state.last_duration_ms IS 'How long the last refresh of the lineage grid took.';
COMMENT ON COLUMN fieldmap.grid_refresh_state.last_refresh_at IS 'When the lineage grid was last refreshed.';
COMMENT ON COLUMN fieldmap.grid_refresh_state.last_rows IS 'How many rows the last refresh left in the grid.';
COMMENT ON COLUMN fieldmap.grid_refresh_state.one IS 'Always true: the table holds one row.';
COMMENT ON COLUMN fieldmap.grid_refresh_state.refreshes IS 'How many times the grid has been refreshed.';
COMMENT ON COLUMN fieldmap.mapping_embeddings.field_mapping_id IS 'The mapping (of the same tenant) this vector is of.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.error_message IS 'What failed, naming the value or rule, when the check failed.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.fail_count IS 'How many values failed the check.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.field_mapping_id IS 'The mapping (of the same tenant) that was checked.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.pass_count IS 'How many values passed the check.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.validated_at IS 'When the check ran.';
COMMENT ON COLUMN fieldmap.range_rules.entity_name IS 'The canonical entity the rule applies to.';
COMMENT ON COLUMN fieldmap.range_rules.field_name IS 'The canonical field the rule applies to.';
COMMENT ON COLUMN fieldmap.range_rules.max_value IS 'The largest value allowed (NULL: no upper bound).';
COMMENT ON COLUMN fieldmap.range_rules.min_value IS 'The smallest value allowed (NULL: no lower bound).';
COMMENT ON COLUMN fieldmap.range_rules.note IS 'Why the range holds, for people.';
COMMENT ON COLUMN fieldmap.schema_embeddings.embedding_model IS 'The registered model the vector was computed with.';
COMMENT ON COLUMN fieldmap.schema_embeddings.embedding_text IS 'The text the vector was computed from (schema_embedding_texts).';
COMMENT ON COLUMN fieldmap.schema_embeddings.embedding_vector IS 'The vector; its dimension is the model''s.';
COMMENT ON COLUMN fieldmap.schema_embeddings.entity_name IS 'The canonical entity; field_name '''' for the entity itself.';
COMMENT ON COLUMN fieldmap.tenants.name IS 'The tenant''s display name.';
COMMENT ON COLUMN fieldmap.type_compatibility.canonical_type IS 'A registry type of a canonical field.';
COMMENT ON COLUMN fieldmap.type_compatibility.source_type IS 'A source system''s type name (lower case).';
COMMENT ON COLUMN fieldmap.users.display_name IS 'The user''s name as shown to people.';
COMMENT ON COLUMN fieldmap.users.email IS 'The user''s e-mail address, unique within the tenant.';
COMMENT ON COLUMN fieldmap.canonical_fields.entity_name IS 'The canonical entity.';
COMMENT ON COLUMN fieldmap.canonical_fields.field_name IS 'A field of the entity''s latest version.';
COMMENT ON COLUMN fieldmap.canonical_fields.registry_type IS 'The field''s registry type (x-fieldmap-type: string, datetime, ...).';
COMMENT ON COLUMN fieldmap.canonical_fields.required IS 'Whether the entity requires the field.';
COMMENT ON COLUMN fieldmap.canonical_fields.entity_description IS 'What the entity stands for.';
COMMENT ON COLUMN fieldmap.canonical_fields.entity_version IS 'The entity''s latest version, whose fields these are.';
COMMENT ON COLUMN fieldmap.canonical_fields.entity_schema_id IS 'The entity_schemas row of that version.';
COMMENT ON COLUMN fieldmap.schema_embedding_texts.embedding_text IS 'The text embedded: an entity''s words and description, or a field''s words.';
COMMENT ON COLUMN fieldmap.mappings_to_embed.embedding_model IS 'A registered model the mapping has no vector of yet.';
COMMENT ON COLUMN fieldmap.mv_mapping_lineage_grid.created_by_email IS 'The e-mail of the user who created the mapping.';
COMMENT ON COLUMN fieldmap.mv_mapping_lineage_grid.updated_by_email IS 'The e-mail of the user who last changed the mapping.';

DO $$
DECLARE
  c record;
  v_said boolean := true;
BEGIN
  -- one meaning in every table
  FOR c IN SELECT k.relname, a.attname
             FROM pg_class k JOIN pg_attribute a ON a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE k.relnamespace = 'fieldmap'::regnamespace AND k.relkind = 'r'
              AND a.attname IN ('id', 'tenant_id', 'created_at', 'updated_at', 'sealed_at')
              AND col_description(k.oid, a.attnum) IS NULL LOOP
    EXECUTE format('COMMENT ON COLUMN fieldmap.%I.%I IS %L', c.relname, c.attname, CASE c.attname
      WHEN 'id' THEN 'The row''s id (its key, with the tenant where the table has one).'
      WHEN 'tenant_id' THEN 'The tenant the row belongs to: row security admits the session tenant''s rows only.'
      WHEN 'created_at' THEN 'When the row was made.'
      WHEN 'updated_at' THEN 'When the row last changed (stamped by the database).'
      ELSE 'When the audit chain sealed the row.' END);
  END LOOP;
  -- a view's column passed through from a column of a table (or of a view
  -- said in an earlier round: lineage_grid reads mv_mapping_lineage_grid)
  WHILE v_said LOOP
    v_said := false;
    FOR c IN SELECT DISTINCT ON (v.oid, va.attnum) v.relname, va.attname, col_description(d.refobjid, d.refobjsubid) AS said
               FROM pg_class v
               JOIN pg_attribute va ON va.attrelid = v.oid AND va.attnum > 0
               JOIN pg_rewrite r ON r.ev_class = v.oid
               JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                               AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.refobjid <> v.oid
               JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid AND ta.attname = va.attname
              WHERE v.relnamespace = 'fieldmap'::regnamespace AND v.relkind IN ('v', 'm')
                AND col_description(v.oid, va.attnum) IS NULL AND col_description(d.refobjid, d.refobjsubid) IS NOT NULL
              ORDER BY v.oid, va.attnum, d.refobjid LOOP
      EXECUTE format('COMMENT ON COLUMN fieldmap.%I.%I IS %L', c.relname, c.attname, c.said);
      v_said := true;
    END LOOP;
  END LOOP;
END
$$;

COMMIT;
