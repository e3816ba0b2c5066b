-- Deploy fieldmap:trigger_audit to pg
-- requires: table_mapping_audit_log
-- requires: trigger_stamp
-- requires: table_field_mappings
-- requires: table_tenant_members
-- requires: table_entity_schemas
-- Every registry table is audited: inserts and deletes per statement (they
-- come in bulk, from imports). Updates of field_mappings, the hot path, are
-- audited per statement too (bulk edits); those of the small tables per row,
-- fired only when the row really changed (WHEN OLD IS DISTINCT FROM NEW): a
-- no-op update costs no call and writes nothing.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_audit_row.sql
\ir ../triggers/_version_field_mapping.sql
\ir ../triggers/_audit_mappings_updated.sql
\ir ../triggers/_audit_rows_inserted_deleted.sql
REVOKE ALL ON FUNCTION fieldmap._audit_row() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._version_field_mapping() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._audit_mappings_updated() FROM PUBLIC;
REVOKE ALL ON FUNCTION fieldmap._audit_rows_inserted_deleted() FROM PUBLIC;

-- field_mappings: stamps per row, before the write; the audit of updates per statement
CREATE TRIGGER _10_version BEFORE INSERT OR UPDATE ON fieldmap.field_mappings
  FOR EACH ROW EXECUTE FUNCTION fieldmap._version_field_mapping();
COMMENT ON TRIGGER _10_version ON fieldmap.field_mappings IS
  'Sets version and stamps; a no-op update keeps them.';
CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.field_mappings
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_mappings_updated();
COMMENT ON TRIGGER _50_audit_update ON fieldmap.field_mappings IS
  'Audits each changed column of each changed mapping (updated, deprecated, validated, restored), set-based per statement.';

-- table -> object type in the audit log; the update trigger is the generic
-- _audit_row everywhere but on field_mappings
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('field_mappings', 'field_mapping'), ('connector_definitions', 'connector'),
                                 ('entity_schemas', 'entity_schema'), ('users', 'user'), ('tenants', 'tenant'),
                                 ('tenant_members', 'tenant_member')) AS v(tbl, kind) LOOP
    EXECUTE format('CREATE TRIGGER _50_audit_insert AFTER INSERT ON fieldmap.%I REFERENCING NEW TABLE AS new_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted(%L)', t.tbl, t.kind);
    EXECUTE format('CREATE TRIGGER _50_audit_delete AFTER DELETE ON fieldmap.%I REFERENCING OLD TABLE AS old_rows'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._audit_rows_inserted_deleted(%L)', t.tbl, t.kind);
    EXECUTE format('COMMENT ON TRIGGER _50_audit_insert ON fieldmap.%I IS %L', t.tbl,
                   format('Audits each inserted %s (created), set-based per statement.', t.kind));
    EXECUTE format('COMMENT ON TRIGGER _50_audit_delete ON fieldmap.%I IS %L', t.tbl,
                   format('Audits each deleted %s (deleted), set-based per statement.', t.kind));
    IF t.tbl <> 'field_mappings' THEN
      EXECUTE format('CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.%I FOR EACH ROW'
                     ' WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fieldmap._audit_row(%L)', t.tbl, t.kind);
      EXECUTE format('COMMENT ON TRIGGER _50_audit_update ON fieldmap.%I IS %L', t.tbl,
                     format('Audits each changed column of a %s.', t.kind));
    END IF;
  END LOOP;
END
$$;

COMMIT;
