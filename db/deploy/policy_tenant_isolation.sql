-- Deploy fieldmap:policy_tenant_isolation to pg
-- requires: function_context
-- requires: table_audit_chain
-- requires: view_mv_mapping_lineage_grid
-- requires: table_mapping_validation_results
-- requires: table_mapping_embeddings
-- Row-level security, enabled and FORCED (the owner's sessions obey it too;
-- only superusers bypass it) on every table that holds tenant data. Each
-- policy compares tenant_id with the session's tenant, evaluated once per
-- statement; with no tenant set, current_tenant_id() raises — fail closed.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'connector_definitions', 'field_mappings', 'mapping_embeddings',
                           'mapping_validation_results', 'mapping_audit_log', 'audit_chain', 'audit_chain_heads'] LOOP
    EXECUTE format('ALTER TABLE fieldmap.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE fieldmap.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON fieldmap.%I USING (tenant_id = (SELECT fieldmap.current_tenant_id()))'
                   ' WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()))', t);
    EXECUTE format('COMMENT ON POLICY tenant_isolation ON fieldmap.%I IS %L', t,
                   'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.');
    EXECUTE format('CREATE POLICY all_tenants ON fieldmap.%I FOR SELECT TO fieldmap_owner'
                   ' USING ((SELECT fieldmap._all_tenants_mode()))', t);
    EXECUTE format('COMMENT ON POLICY all_tenants ON fieldmap.%I IS %L', t,
                   'Owner maintenance that reads every tenant (lineage grid refresh) says so with fieldmap._all_tenants.');
  END LOOP;
END
$$;

-- Audit rows are written only by fieldmap's own SECURITY DEFINER code (app
-- roles hold no INSERT privilege); shared entities are audited under the
-- system tenant whatever the session's tenant is.
CREATE POLICY owner_appends ON fieldmap.mapping_audit_log FOR INSERT TO fieldmap_owner WITH CHECK (true);
COMMENT ON POLICY owner_appends ON fieldmap.mapping_audit_log IS
  'fieldmap''s audit triggers (running as the owner) may append rows of any tenant, e.g. the system tenant for shared entities.';

-- Tenants: an app session sees its own tenant; the owner administers all.
ALTER TABLE fieldmap.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY own_tenant ON fieldmap.tenants FOR SELECT USING (id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY owner_administers ON fieldmap.tenants TO fieldmap_owner USING (true) WITH CHECK (true);
COMMENT ON POLICY own_tenant ON fieldmap.tenants IS 'A session sees only its own tenant.';
COMMENT ON POLICY owner_administers ON fieldmap.tenants IS 'The owner (DBA, SECURITY DEFINER functions) sees and manages every tenant.';

ALTER TABLE fieldmap.tenant_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.tenant_members FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_administers ON fieldmap.tenant_members TO fieldmap_owner USING (true) WITH CHECK (true);
COMMENT ON POLICY owner_administers ON fieldmap.tenant_members IS 'Only the owner reads and manages tenant membership.';

-- The grid reads every tenant: its refresh runs as the owner in all-tenants mode.
\ir ../functions/refresh_lineage_grid.sql
REVOKE ALL ON FUNCTION fieldmap.refresh_lineage_grid(boolean) FROM PUBLIC;

-- The lineage grid for app roles: a materialized view has no RLS, so they
-- read it through this view, which keeps the session's tenant's rows.
CREATE VIEW fieldmap.lineage_grid WITH (security_barrier) AS
SELECT * FROM fieldmap.mv_mapping_lineage_grid g
 WHERE g.tenant_id = (SELECT fieldmap.current_tenant_id());
COMMENT ON VIEW fieldmap.lineage_grid IS
  'fieldmap: the lineage grid (mv_mapping_lineage_grid) of the session''s tenant; what app roles read.';
GRANT SELECT ON fieldmap.lineage_grid TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
