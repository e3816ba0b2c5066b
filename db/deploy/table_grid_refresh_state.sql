-- Deploy fieldmap:table_grid_refresh_state to pg
-- requires: table_audit_log
-- requires: view_mv_mapping_lineage_grid
-- When the lineage grid was last refreshed, how long it took, and what it
-- covered. The grid's inputs (mappings, connectors, entity schemas, users)
-- are all audited: every change writes audit rows, numbered by the audit
-- log's identity sequence. A refresh records the last number it covers and
-- the transactions still running when it started; the grid is stale when
-- a newer number exists or one of those transactions has since committed.
-- So the staleness costs the write path nothing (no extra trigger, no row
-- that every writer would update and lock), and a change made while a
-- refresh runs is not lost: its number is newer, or its transaction was
-- running, and the next refresh picks it up.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.grid_refresh_state (
    one               boolean PRIMARY KEY DEFAULT true,
    covered_seq       bigint NOT NULL DEFAULT 0,
    pending_xids      xid8[] NOT NULL DEFAULT '{}',
    last_refresh_at   timestamptz,
    last_duration_ms  double precision,
    last_rows         bigint,
    refreshes         bigint NOT NULL DEFAULT 0,

    CONSTRAINT grid_refresh_state_one_check CHECK (one)
);
INSERT INTO fieldmap.grid_refresh_state DEFAULT VALUES;

COMMENT ON TABLE fieldmap.grid_refresh_state IS
  'fieldmap: the lineage grid''s last refresh (when, how long, how many rows) and what it covered (audit sequence number and transactions running at its start), from which its staleness follows. One row.';
COMMENT ON COLUMN fieldmap.grid_refresh_state.covered_seq IS 'The audit log''s sequence number read when the last refresh started: every change numbered up to it is in the grid, unless its transaction is in pending_xids.';
COMMENT ON COLUMN fieldmap.grid_refresh_state.pending_xids IS 'Transactions running when the last refresh started; one that commits later may hold changes the grid lacks.';

COMMIT;
