-- Revert fieldmap:policy_tenant_isolation from pg
BEGIN;

DROP POLICY owner_administers ON fieldmap.tenant_members;
ALTER TABLE fieldmap.tenant_members NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.tenant_members DISABLE ROW LEVEL SECURITY;
DROP POLICY owner_administers ON fieldmap.tenants;
DROP POLICY own_tenant ON fieldmap.tenants;
ALTER TABLE fieldmap.tenants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.tenants DISABLE ROW LEVEL SECURITY;
DROP POLICY owner_appends ON fieldmap.audit_log;

DROP POLICY all_tenants ON fieldmap.audit_chain_heads;
DROP POLICY tenant_isolation ON fieldmap.audit_chain_heads;
ALTER TABLE fieldmap.audit_chain_heads NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.audit_chain_heads DISABLE ROW LEVEL SECURITY;

DROP POLICY all_tenants ON fieldmap.audit_chain;
DROP POLICY tenant_isolation ON fieldmap.audit_chain;
ALTER TABLE fieldmap.audit_chain NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.audit_chain DISABLE ROW LEVEL SECURITY;

DROP POLICY all_tenants ON fieldmap.audit_log;
DROP POLICY tenant_isolation ON fieldmap.audit_log;
ALTER TABLE fieldmap.audit_log NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.audit_log DISABLE ROW LEVEL SECURITY;

DROP POLICY all_tenants ON fieldmap.mapping_validation_results;
DROP POLICY tenant_isolation ON fieldmap.mapping_validation_results;
ALTER TABLE fieldmap.mapping_validation_results NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.mapping_validation_results DISABLE ROW LEVEL SECURITY;

DROP POLICY all_tenants ON fieldmap.mapping_embeddings;
DROP POLICY tenant_isolation ON fieldmap.mapping_embeddings;
ALTER TABLE fieldmap.mapping_embeddings NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.mapping_embeddings DISABLE ROW LEVEL SECURITY;

DROP POLICY all_tenants ON fieldmap.field_mappings;
DROP POLICY tenant_isolation ON fieldmap.field_mappings;
ALTER TABLE fieldmap.field_mappings NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.field_mappings DISABLE ROW LEVEL SECURITY;

DROP POLICY all_tenants ON fieldmap.connector_definitions;
DROP POLICY tenant_isolation ON fieldmap.connector_definitions;
ALTER TABLE fieldmap.connector_definitions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.connector_definitions DISABLE ROW LEVEL SECURITY;

DROP POLICY all_tenants ON fieldmap.users;
DROP POLICY tenant_isolation ON fieldmap.users;
ALTER TABLE fieldmap.users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.users DISABLE ROW LEVEL SECURITY;

COMMIT;
