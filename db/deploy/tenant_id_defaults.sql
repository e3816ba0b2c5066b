-- Deploy fieldmap:tenant_id_defaults to pg
-- requires: comment_columns
-- A row written from psql or an application takes the session's tenant
-- (set_context) when it names none. Without a default, a writer's
-- INSERT that left tenant_id out failed on NOT NULL, a message that said
-- nothing about the tenant; now it is stored in the context's tenant, and
-- with no tenant in context it fails with current_tenant_id()'s own
-- "no tenant in context" and its hint. A tenant_id given explicitly is
-- still checked by row security as before.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

ALTER TABLE fieldmap.connector_definitions ALTER COLUMN tenant_id SET DEFAULT fieldmap.current_tenant_id();
ALTER TABLE fieldmap.connector_samples ALTER COLUMN tenant_id SET DEFAULT fieldmap.current_tenant_id();
ALTER TABLE fieldmap.field_mappings ALTER COLUMN tenant_id SET DEFAULT fieldmap.current_tenant_id();
ALTER TABLE fieldmap.mapping_embeddings ALTER COLUMN tenant_id SET DEFAULT fieldmap.current_tenant_id();
ALTER TABLE fieldmap.mapping_validation_results ALTER COLUMN tenant_id SET DEFAULT fieldmap.current_tenant_id();
ALTER TABLE fieldmap.users ALTER COLUMN tenant_id SET DEFAULT fieldmap.current_tenant_id();

COMMENT ON COLUMN fieldmap.connector_definitions.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only. Left out of an INSERT, the session''s tenant (set_context).';
COMMENT ON COLUMN fieldmap.connector_samples.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only. Left out of an INSERT, the session''s tenant (set_context).';
COMMENT ON COLUMN fieldmap.field_mappings.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only. Left out of an INSERT, the session''s tenant (set_context).';
COMMENT ON COLUMN fieldmap.mapping_embeddings.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only. Left out of an INSERT, the session''s tenant (set_context).';
COMMENT ON COLUMN fieldmap.mapping_validation_results.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only. Left out of an INSERT, the session''s tenant (set_context).';
COMMENT ON COLUMN fieldmap.users.tenant_id IS
  'The tenant the row belongs to: row security admits the session tenant''s rows only. Left out of an INSERT, the session''s tenant (set_context).';

COMMIT;
