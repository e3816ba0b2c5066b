-- Deploy fieldmap:function_closest_name to pg
-- requires: schema_fieldmap
-- requires: extensions
-- "Did you mean ...?" for every error that names something unknown.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/closest_name@v0.1.0.sql
REVOKE ALL ON FUNCTION fieldmap.closest_name(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.closest_name(text, text[]) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
