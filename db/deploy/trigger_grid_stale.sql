-- Deploy fieldmap:trigger_grid_stale to pg
-- requires: table_grid_refresh_state
-- requires: table_field_mappings
-- requires: table_connector_definitions
-- requires: table_users
-- requires: function_refresh_lineage_grid
-- The grid reads mappings (every column it shows), connector names and
-- users' e-mails (an erasure must reach it). Entity schemas are not read by
-- the grid, so changing one leaves it fresh.
-- An UPDATE of mappings that changes an audited column draws its number in
-- the audit trigger (_audit_mappings_updated), which runs anyway; this
-- trigger covers the rest: inserts, deletes, TRUNCATE and the validation
-- observations the grid shows but the audit leaves out.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../triggers/_mark_grid_stale.sql
REVOKE ALL ON FUNCTION fieldmap._mark_grid_stale() FROM PUBLIC;

CREATE TRIGGER _90_mark_grid_stale
  AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF success_rate, avg_processing_time_ms, error_count
  ON fieldmap.field_mappings FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._mark_grid_stale();
CREATE TRIGGER _90_mark_grid_stale AFTER UPDATE OF connector_name OR DELETE OR TRUNCATE
  ON fieldmap.connector_definitions FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._mark_grid_stale();
CREATE TRIGGER _90_mark_grid_stale AFTER UPDATE OF email OR DELETE OR TRUNCATE
  ON fieldmap.users FOR EACH STATEMENT EXECUTE FUNCTION fieldmap._mark_grid_stale();

COMMENT ON TRIGGER _90_mark_grid_stale ON fieldmap.field_mappings IS
  'Marks the lineage grid stale after mappings are inserted, deleted or truncated, or their validation observations written (audited updates are marked by the audit trigger).';
COMMENT ON TRIGGER _90_mark_grid_stale ON fieldmap.connector_definitions IS
  'Marks the lineage grid stale after a connector is renamed or removed (a new connector has no mappings yet).';
COMMENT ON TRIGGER _90_mark_grid_stale ON fieldmap.users IS
  'Marks the lineage grid stale after a user''s e-mail changes (erasure included) or a user is removed.';

COMMIT;
