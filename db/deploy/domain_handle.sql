-- Deploy fieldmap:domain_handle to pg
-- requires: schema_fieldmap
-- One rule for handles (tenant slugs, connector names of mapping files), in
-- one place: is_handle() states it, the domain enforces it on stored
-- values, check_handle() turns a bad argument into one clear error.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/is_handle.sql
CREATE DOMAIN fieldmap.handle AS text CONSTRAINT handle_check CHECK (fieldmap.is_handle(VALUE));
COMMENT ON DOMAIN fieldmap.handle IS
  'fieldmap: a handle, e.g. a tenant slug: 1 to 63 lowercase letters, digits, _ and -, starting with a letter or digit.';

REVOKE ALL ON FUNCTION fieldmap.is_handle(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.check_handle(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.is_handle(text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.check_handle(text, text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
