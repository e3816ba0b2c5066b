-- Revert fieldmap:table_audit_chain from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.audit_chain_heads;
DROP TABLE fieldmap.audit_chain;
COMMIT;
