-- Revert fieldmap:policy_tenant_isolation from pg
BEGIN;

DROP VIEW fieldmap.lineage_grid;
DROP FUNCTION fieldmap.refresh_lineage_grid(boolean);
DROP POLICY owner_administers ON fieldmap.tenant_members;
ALTER TABLE fieldmap.tenant_members NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.tenant_members DISABLE ROW LEVEL SECURITY;
DROP POLICY owner_administers ON fieldmap.tenants;
DROP POLICY own_tenant ON fieldmap.tenants;
ALTER TABLE fieldmap.tenants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.tenants DISABLE ROW LEVEL SECURITY;
DROP POLICY owner_appends ON fieldmap.mapping_audit_log;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'connector_definitions', 'field_mappings', 'mapping_embeddings',
                           'mapping_validation_results', 'mapping_audit_log', 'audit_chain', 'audit_chain_heads'] LOOP
    EXECUTE format('DROP POLICY all_tenants ON fieldmap.%I', t);
    EXECUTE format('DROP POLICY tenant_isolation ON fieldmap.%I', t);
    EXECUTE format('ALTER TABLE fieldmap.%I NO FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE fieldmap.%I DISABLE ROW LEVEL SECURITY', t);
  END LOOP;
END
$$;

COMMIT;
