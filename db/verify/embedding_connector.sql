-- Verify fieldmap:embedding_connector on pg
BEGIN;
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'fieldmap.mapping_embeddings'::regclass
                    AND attname = 'connector_id' AND attnotnull AND NOT attisdropped),
         'mapping_embeddings.connector_id missing or nullable';
  ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_20_copy_connector' AND tgenabled = 'O'
                   AND tgrelid = 'fieldmap.mapping_embeddings'::regclass),
         'trigger _20_copy_connector missing or disabled on mapping_embeddings';
  ASSERT EXISTS (SELECT FROM pg_trigger WHERE tgname = '_35_follow_connector' AND tgenabled = 'O'
                   AND tgrelid = 'fieldmap.field_mappings'::regclass),
         'trigger _35_follow_connector missing or disabled on field_mappings';
  ASSERT to_regclass('fieldmap.idx_embedding_connector_model') IS NOT NULL, 'index idx_embedding_connector_model missing';
  ASSERT NOT has_function_privilege('public', 'fieldmap._copy_mapping_connector()', 'EXECUTE')
     AND NOT has_function_privilege('public', 'fieldmap._follow_mapping_connector()', 'EXECUTE'),
         'PUBLIC may execute the connector triggers';
  ASSERT to_regprocedure('fieldmap._mapping_connector_once(uuid, uuid)') IS NULL, 'the deploy''s helper was left behind';
END
$$;
-- a vector row takes its mapping's connector, whatever was written, and follows the mapping's move
SELECT count(*) FROM fieldmap.load_entities('{"verify_probe": {"fields": {"flag": "boolean", "note": "string"}}}', '0.0.1');
SELECT fieldmap.set_context(fieldmap.create_tenant('verify-embedding-connector')::text);
SELECT fieldmap.import_mappings('probe_one', '{"verify_probe": {"fields": {"flag": "IsFlag"}}}');
SELECT fieldmap.import_mappings('probe_two', '{"verify_probe": {"fields": {"note": "Note"}}}');
INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text, embedding_model, connector_id)
SELECT f.tenant_id, f.id, 'is flag', 'text-embedding-ada-002', gen_random_uuid()
  FROM fieldmap.field_mappings f WHERE f.source_field = 'IsFlag';
DO $$
BEGIN
  ASSERT (SELECT e.connector_id FROM fieldmap.mapping_embeddings e WHERE e.tenant_id = fieldmap.current_tenant_id()) = fieldmap.connector_id('probe_one'),
         'a vector row does not carry its mapping''s connector (trigger _20_copy_connector)';
END
$$;
UPDATE fieldmap.mapping_embeddings SET connector_id = gen_random_uuid() WHERE tenant_id = fieldmap.current_tenant_id();
DO $$
BEGIN
  ASSERT (SELECT e.connector_id FROM fieldmap.mapping_embeddings e WHERE e.tenant_id = fieldmap.current_tenant_id())
         = fieldmap.connector_id('probe_one'), 'a vector row keeps a connector written over its mapping''s';
END
$$;
UPDATE fieldmap.field_mappings SET connector_id = fieldmap.connector_id('probe_two') WHERE source_field = 'IsFlag';
DO $$
BEGIN
  ASSERT (SELECT e.connector_id FROM fieldmap.mapping_embeddings e WHERE e.tenant_id = fieldmap.current_tenant_id()) = fieldmap.connector_id('probe_two'),
         'a vector row does not follow its mapping to another connector (trigger _35_follow_connector)';
END
$$;
ROLLBACK;
