-- Revert fieldmap:table_audit_chain from pg
BEGIN;
DROP TABLE fieldmap.audit_chain_heads;
DROP TABLE fieldmap.audit_chain;
COMMIT;
