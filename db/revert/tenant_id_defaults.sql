-- Revert fieldmap:tenant_id_defaults from pg
BEGIN;
SET LOCAL ROLE fieldmap_owner;

ALTER TABLE fieldmap.connector_definitions ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.connector_samples ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.field_mappings ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.mapping_embeddings ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.mapping_validation_results ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE fieldmap.users ALTER COLUMN tenant_id DROP DEFAULT;

COMMIT;
