-- Deploy fieldmap:view_active_mappings to pg
-- requires: table_field_mappings
-- requires: function_context
-- The session tenant's active, connector-wide (no connection) mappings with
-- their connector's name: what a mapping document describes, read by
-- export, compare and the glue. security_invoker: the caller's own
-- privileges and row-level security apply, as if it read the tables.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE VIEW fieldmap.active_mappings WITH (security_invoker = true) AS
SELECT c.connector_name, f.*
  FROM fieldmap.field_mappings f
  JOIN fieldmap.connector_definitions c ON c.tenant_id = f.tenant_id AND c.id = f.connector_id
 WHERE f.tenant_id = (SELECT fieldmap.current_tenant_id())
   AND f.status = 'active' AND f.connection_id IS NULL;

COMMENT ON VIEW fieldmap.active_mappings IS
  'fieldmap: the session tenant''s active connector-wide mappings (no connection), with the connector''s name; what export_mappings writes and compare_mappings compares.';

GRANT SELECT ON fieldmap.active_mappings TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
