-- Deploy fieldmap:table_users to pg
-- requires: table_tenants
-- The seed referenced users(id) without defining it. A user belongs to one
-- tenant; keys include tenant_id so the table can be distributed by tenant.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.users (
    tenant_id     uuid NOT NULL REFERENCES fieldmap.tenants (id),
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    email         varchar(320) NOT NULL,
    display_name  varchar(255),
    status        varchar(50) NOT NULL DEFAULT 'active',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT users_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT users_tenant_email_key UNIQUE (tenant_id, email),
    CONSTRAINT users_email_check CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    CONSTRAINT users_status_check CHECK (status IN ('active', 'disabled', 'erased')),
    -- the system tenant (table_tenants) holds shared canonical entities, never people
    CONSTRAINT users_not_system_check CHECK (tenant_id <> '00000000-0000-0000-0000-000000000000')
);

COMMENT ON TABLE fieldmap.users IS
  'fieldmap: people (or service accounts) who change the registry, per tenant. Referenced by created_by / updated_by / changed_by.';
COMMENT ON COLUMN fieldmap.users.status IS 'active | disabled | erased (personal data pseudonymised under GDPR).';

GRANT SELECT ON fieldmap.users TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
