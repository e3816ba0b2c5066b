-- Deploy fieldmap:table_tenants to pg
-- requires: domain_handle
-- The seed referenced tenants(id) without defining it.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        fieldmap.handle NOT NULL,
    name        varchar(255) NOT NULL,
    status      varchar(50) NOT NULL DEFAULT 'active',
    settings    jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT tenants_slug_key UNIQUE (slug),
    CONSTRAINT tenants_name_check CHECK (btrim(name) <> ''),
    CONSTRAINT tenants_status_check CHECK (status IN ('active', 'suspended', 'archived')),
    CONSTRAINT tenants_settings_check CHECK (jsonb_typeof(settings) = 'object')
);

COMMENT ON TABLE fieldmap.tenants IS
  'fieldmap: an isolated customer of the registry. Every tenant table carries tenant_id and is filtered by row-level security on the session tenant.';
COMMENT ON COLUMN fieldmap.tenants.slug IS 'Short stable handle (lowercase letters, digits, _ and -), accepted wherever a tenant id is.';
COMMENT ON COLUMN fieldmap.tenants.status IS 'active | suspended | archived. Tenants are archived, never deleted: their audit trail must outlive them.';
COMMENT ON COLUMN fieldmap.tenants.settings IS 'Per-tenant settings as a JSON object, e.g. {"audit_retention_days": 365}.';

-- The system tenant owns the audit trail of shared objects (canonical
-- entities), which belong to no customer.
INSERT INTO fieldmap.tenants (id, slug, name)
VALUES ('00000000-0000-0000-0000-000000000000', 'system', 'fieldmap system: shared canonical entities');

GRANT SELECT ON fieldmap.tenants TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
