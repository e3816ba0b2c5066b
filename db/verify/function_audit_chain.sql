-- Verify fieldmap:function_audit_chain on pg
BEGIN;
DO $$
BEGIN
  ASSERT has_function_privilege('fieldmap_auditor', 'fieldmap.verify_audit_chain(text, boolean)', 'EXECUTE'),
         'fieldmap_auditor cannot verify the chain';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap._seal_tenant_chain(uuid)', 'EXECUTE'),
         'fieldmap_writer may execute an internal helper';
END
$$;
-- a real seal and verification of a fresh tenant, rolled back
INSERT INTO fieldmap.tenants (slug, name) VALUES ('verify-chain', 'probe');
SELECT fieldmap.set_context('verify-chain');
DO $$
BEGIN
  ASSERT (SELECT ok AND checked = 1 FROM fieldmap.verify_audit_chain()), 'a fresh tenant''s chain does not verify';
END
$$;
ROLLBACK;
