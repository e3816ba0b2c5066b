-- Revert fieldmap:tenant_id_defaults from pg
BEGIN;
SET LOCAL ROLE fieldmap_owner;

ALTER TABLE fieldmap.connector_definitions ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.connector_samples ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.field_mappings ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.mapping_embeddings ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.mapping_validation_results ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.users ALTER COLUMN tenant_id DROP DEFAULT;

COMMENT ON COLUMN fieldmap.connector_definitions.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only.';
COMMENT ON COLUMN fieldmap.connector_samples.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only.';
COMMENT ON COLUMN fieldmap.field_mappings.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only.';
COMMENT ON COLUMN fieldmap.mapping_embeddings.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only.';
COMMENT ON COLUMN fieldmap.users.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only.';

COMMIT;
