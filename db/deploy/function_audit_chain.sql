-- Deploy fieldmap:function_audit_chain to pg
-- requires: table_audit_chain
-- requires: function_context
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/_audit_hashes.sql
\ir ../functions/_seal_tenant_chain.sql
\ir ../functions/seal_audit_chain.sql
\ir ../functions/verify_audit_chain.sql

REVOKE ALL ON FUNCTION fieldmap._audit_genesis(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._audit_personal_digest(fieldmap.audit_log) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._audit_row_hash(fieldmap.audit_log, bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._seal_tenant_chain(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.seal_audit_chain(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.verify_audit_chain(text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._audit_first_bad_row(uuid, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.seal_audit_chain(text) TO fieldmap_writer, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.verify_audit_chain(text, boolean) TO fieldmap_auditor;

COMMIT;
