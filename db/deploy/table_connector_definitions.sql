-- Deploy fieldmap:table_connector_definitions to pg
-- requires: table_users
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.connector_definitions (
    tenant_id       uuid NOT NULL REFERENCES fieldmap.tenants (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    connector_name  varchar(255) NOT NULL,
    connector_type  varchar(50) NOT NULL,
    description     text,
    metadata        jsonb NOT NULL DEFAULT '{}',
    status          varchar(50) NOT NULL DEFAULT 'active',
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      uuid,
    updated_at      timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT connector_definitions_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT unique_tenant_connector UNIQUE (tenant_id, connector_name),
    CONSTRAINT connector_definitions_created_by_fkey FOREIGN KEY (tenant_id, created_by)
        REFERENCES fieldmap.users (tenant_id, id),
    CONSTRAINT connector_definitions_name_check CHECK (btrim(connector_name) <> ''),
    -- the system tenant (table_tenants) holds shared canonical entities, never mappings
    CONSTRAINT connector_definitions_not_system_check CHECK (tenant_id <> '00000000-0000-0000-0000-000000000000'),
    CONSTRAINT connector_definitions_type_check CHECK (connector_type IN ('rest_api', 'database', 'file')),
    CONSTRAINT connector_definitions_status_check CHECK (status IN ('active', 'deprecated', 'archived')),
    CONSTRAINT connector_definitions_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

CREATE INDEX idx_connector_tenant_status ON fieldmap.connector_definitions (tenant_id, status);

COMMENT ON TABLE fieldmap.connector_definitions IS
  'fieldmap: registered data sources (salesforce, hubspot, ...) of a tenant.';
COMMENT ON COLUMN fieldmap.connector_definitions.connector_name IS 'Name of the source system, unique per tenant, e.g. salesforce.';
COMMENT ON COLUMN fieldmap.connector_definitions.connector_type IS 'rest_api | database | file.';
COMMENT ON COLUMN fieldmap.connector_definitions.metadata IS 'Free-form facts about the source: API version, auth type, ...';
COMMENT ON COLUMN fieldmap.connector_definitions.status IS 'active | deprecated | archived.';
COMMENT ON COLUMN fieldmap.connector_definitions.created_by IS 'User (of the same tenant) who registered the connector.';

GRANT SELECT ON fieldmap.connector_definitions TO fieldmap_reader, fieldmap_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON fieldmap.connector_definitions TO fieldmap_writer;

COMMIT;
