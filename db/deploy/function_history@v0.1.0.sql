-- Deploy fieldmap:function_history to pg
-- requires: trigger_audit
-- requires: function_context
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/mapping_history@v0.1.0.sql
\ir ../functions/mapping_as_of@v0.1.0.sql
\ir ../functions/restore_mapping_version@v0.1.0.sql
\ir ../functions/find_mapping@v0.1.0.sql

REVOKE ALL ON FUNCTION fieldmap.mapping_history(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.mapping_as_of(uuid, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.restore_mapping_version(uuid, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.find_mapping(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.find_mapping(text, text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.mapping_history(uuid) TO fieldmap_writer, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.mapping_as_of(uuid, timestamptz) TO fieldmap_writer, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.restore_mapping_version(uuid, integer) TO fieldmap_writer;

COMMIT;
