-- Deploy fieldmap:policy_tenant_isolation to pg
-- requires: function_context
-- requires: table_audit_chain
-- requires: table_mapping_validation_results
-- requires: table_mapping_embeddings
-- Row-level security, enabled and FORCED (the owner's sessions obey it too;
-- only superusers bypass it) on every table that holds tenant data. Each
-- tenant_isolation policy compares tenant_id with the session's tenant,
-- evaluated once per statement ((SELECT ...) is an init plan); with no
-- tenant set, or one the request's role may not act for,
-- current_tenant_id() raises: fail closed. Written out table by table so
-- that a diff shows every policy.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

-- users
ALTER TABLE fieldmap.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.users
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.users FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.users IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.users IS
  'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants; honoured for owner requests only.';

-- connector_definitions
ALTER TABLE fieldmap.connector_definitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.connector_definitions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.connector_definitions
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.connector_definitions FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.connector_definitions IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.connector_definitions IS
  'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants; honoured for owner requests only.';

-- field_mappings
ALTER TABLE fieldmap.field_mappings ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.field_mappings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.field_mappings
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.field_mappings FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.field_mappings IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.field_mappings IS
  'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants; honoured for owner requests only.';

-- mapping_embeddings
ALTER TABLE fieldmap.mapping_embeddings ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.mapping_embeddings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.mapping_embeddings
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.mapping_embeddings FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.mapping_embeddings IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.mapping_embeddings IS
  'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants; honoured for owner requests only.';

-- mapping_validation_results
ALTER TABLE fieldmap.mapping_validation_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.mapping_validation_results FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.mapping_validation_results
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.mapping_validation_results FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.mapping_validation_results IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.mapping_validation_results IS
  'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants; honoured for owner requests only.';

-- audit_log
ALTER TABLE fieldmap.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.audit_log
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.audit_log FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.audit_log IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.audit_log IS
  'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants; honoured for owner requests only.';

-- audit_chain
ALTER TABLE fieldmap.audit_chain ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.audit_chain FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.audit_chain
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.audit_chain FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.audit_chain IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.audit_chain IS
  'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants; honoured for owner requests only.';

-- audit_chain_heads
ALTER TABLE fieldmap.audit_chain_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.audit_chain_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.audit_chain_heads
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.audit_chain_heads FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.audit_chain_heads IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.audit_chain_heads IS
  'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants; honoured for owner requests only.';

-- Audit rows are written only by fieldmap's own SECURITY DEFINER code (app
-- roles hold no INSERT privilege); shared entities are audited under the
-- system tenant whatever the session's tenant is.
CREATE POLICY owner_appends ON fieldmap.audit_log FOR INSERT TO fieldmap_owner WITH CHECK (true);
COMMENT ON POLICY owner_appends ON fieldmap.audit_log IS
  'fieldmap''s audit triggers (running as the owner) may append rows of any tenant, e.g. the system tenant for shared entities.';

-- tenants: a session sees its own tenant; the owner administers all
ALTER TABLE fieldmap.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY own_tenant ON fieldmap.tenants FOR SELECT USING (id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY owner_administers ON fieldmap.tenants TO fieldmap_owner USING (true) WITH CHECK (true);
COMMENT ON POLICY own_tenant ON fieldmap.tenants IS 'A session sees only its own tenant.';
COMMENT ON POLICY owner_administers ON fieldmap.tenants IS 'The owner (DBA, SECURITY DEFINER functions) sees and manages every tenant.';

-- tenant_members: the owner only
ALTER TABLE fieldmap.tenant_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.tenant_members FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_administers ON fieldmap.tenant_members TO fieldmap_owner USING (true) WITH CHECK (true);
COMMENT ON POLICY owner_administers ON fieldmap.tenant_members IS 'Only the owner reads and manages tenant membership.';

COMMIT;
