-- Deploy fieldmap:table_tenant_members to pg
-- requires: table_tenants
-- Which database roles may act for which tenant. The tenant of a session is
-- a setting any client can change, so setting it is not enough: a login
-- role may act only for tenants it is a member of here (directly or through
-- a group role). Members of fieldmap_owner may act for any tenant.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.tenant_members (
    tenant_id   uuid NOT NULL REFERENCES fieldmap.tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    role_name   name NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT tenant_members_pkey PRIMARY KEY (tenant_id, role_name),
    CONSTRAINT tenant_members_id_key UNIQUE (tenant_id, id)
);

CREATE INDEX idx_tenant_members_role ON fieldmap.tenant_members (role_name);

COMMENT ON TABLE fieldmap.tenant_members IS
  'fieldmap: database roles allowed to act for a tenant (fieldmap.set_context and row-level security check it). Managed by the owner.';
COMMENT ON COLUMN fieldmap.tenant_members.id IS 'Identity of the membership in the audit trail.';
COMMENT ON COLUMN fieldmap.tenant_members.role_name IS 'A login or group role; members of that role may act for the tenant.';

COMMIT;
