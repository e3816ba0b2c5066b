-- Deploy fieldmap:function_history to pg
-- requires: trigger_audit
-- requires: function_context
-- Reworked after @v0.1.0: find_mapping names what it did not find (an
-- unknown connector or field, with a did-you-mean; a deleted mapping), and
-- restore_mapping_version names the active mapping that holds its target.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/mapping_history.sql
\ir ../functions/mapping_as_of.sql
\ir ../functions/restore_mapping_version.sql
\ir ../functions/find_mapping.sql

REVOKE ALL ON FUNCTION fieldmap.mapping_history(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.mapping_as_of(uuid, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.restore_mapping_version(uuid, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap.find_mapping(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.find_mapping(text, text) TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.mapping_history(uuid) TO fieldmap_writer, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.mapping_as_of(uuid, timestamptz) TO fieldmap_writer, fieldmap_auditor;
GRANT EXECUTE ON FUNCTION fieldmap.restore_mapping_version(uuid, integer) TO fieldmap_writer;

COMMIT;
