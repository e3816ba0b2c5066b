-- Deploy fieldmap:schema_fieldmap to pg
-- requires: roles
BEGIN;

CREATE SCHEMA fieldmap AUTHORIZATION fieldmap_owner;
COMMENT ON SCHEMA fieldmap IS
  'fieldmap: PostgreSQL-native field-mapping registry (source field -> canonical field), '
  'with audit trail, version history, tenant isolation and semantic search.';

GRANT USAGE ON SCHEMA fieldmap TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

-- Functions are not executable by PUBLIC by default: each API function is
-- granted to the roles that need it; internal helpers (_name) to none.
ALTER DEFAULT PRIVILEGES FOR ROLE fieldmap_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- the guard every table-dropping revert calls first (internal: the owner only)
SET LOCAL ROLE fieldmap_owner;
\ir ../functions/_refuse_revert_over_data.sql

COMMIT;
