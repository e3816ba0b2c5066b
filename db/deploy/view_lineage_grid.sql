-- Deploy fieldmap:view_lineage_grid to pg
-- requires: view_mv_mapping_lineage_grid
-- requires: function_context
-- The lineage grid for app roles: a materialized view has no row-level
-- security, so they read it through this view, which keeps the session's
-- tenant's rows. Owned by the owner (so it may read the materialized view);
-- current_tenant_id() checks the role of the request, which a view does not
-- change.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE VIEW fieldmap.lineage_grid WITH (security_barrier) AS
SELECT * FROM fieldmap.mv_mapping_lineage_grid g
 WHERE g.tenant_id = (SELECT fieldmap.current_tenant_id());

COMMENT ON VIEW fieldmap.lineage_grid IS
  'fieldmap: the lineage grid (mv_mapping_lineage_grid) of the session''s tenant; what app roles read.';
GRANT SELECT ON fieldmap.lineage_grid TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
