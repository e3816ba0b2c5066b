-- Verify fieldmap:policy_tenant_isolation on pg
BEGIN;
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'tenant_members', 'users', 'connector_definitions', 'field_mappings',
                           'mapping_embeddings', 'mapping_validation_results', 'audit_log',
                           'audit_chain', 'audit_chain_heads'] LOOP
    ASSERT (SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = ('fieldmap.' || t)::regclass),
           format('row-level security is not enabled and forced on %s', t);
    ASSERT EXISTS (SELECT FROM pg_policy WHERE polrelid = ('fieldmap.' || t)::regclass),
           format('no policy on %s', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['users', 'connector_definitions', 'field_mappings', 'mapping_embeddings',
                           'mapping_validation_results', 'audit_log', 'audit_chain', 'audit_chain_heads'] LOOP
    ASSERT EXISTS (SELECT FROM pg_policy WHERE polrelid = ('fieldmap.' || t)::regclass AND polname = 'tenant_isolation'
                     AND pg_get_expr(polqual, polrelid) LIKE '%current_tenant_id()%'),
           format('policy tenant_isolation missing on %s', t);
  END LOOP;
  -- every table with a tenant_id column is covered
  ASSERT NOT EXISTS (
    SELECT FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
     WHERE c.relnamespace = 'fieldmap'::regnamespace AND c.relkind = 'r' AND NOT c.relforcerowsecurity),
    'a table with tenant_id lacks forced row-level security';
END
$$;
ROLLBACK;
