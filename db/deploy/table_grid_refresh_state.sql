-- Deploy fieldmap:table_grid_refresh_state to pg
-- requires: roles
-- requires: view_mv_mapping_lineage_grid
-- When the lineage grid was last refreshed, how long it took, and what it
-- covered. Every statement that changes one of the grid's inputs draws a
-- number from the sequence grid_changes (trigger_grid_stale). A refresh
-- records the last number drawn and the transactions still running when it
-- started; the grid is stale when a newer number exists or one of those
-- transactions has since committed. A sequence, not a flag row, because
-- every writer would update and lock that row: numbers are handed out
-- without a lock, so writers never queue behind each other or a refresh.
-- A change made while a refresh runs is not lost: its number is newer, or
-- its transaction was running, and the next refresh picks it up.
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

CREATE SEQUENCE fieldmap.grid_changes AS bigint;
-- the trigger runs as the writer; drawing a number can only cause a refresh
GRANT USAGE ON SEQUENCE fieldmap.grid_changes TO fieldmap_writer;
COMMENT ON SEQUENCE fieldmap.grid_changes IS
  'fieldmap: one number per statement that changed an input of the lineage grid; compared with grid_refresh_state.covered_seq.';

COMMENT ON TABLE fieldmap.grid_refresh_state IS
  'fieldmap: the lineage grid''s last refresh (when, how long, how many rows) and what it covered (last number of grid_changes and transactions running at its start), from which its staleness follows. One row.';
COMMENT ON COLUMN fieldmap.grid_refresh_state.covered_seq IS 'The last number of grid_changes read when the last refresh started: every change numbered up to it is in the grid, unless its transaction is in pending_xids.';
COMMENT ON COLUMN fieldmap.grid_refresh_state.pending_xids IS 'Transactions running when the last refresh started; one that commits later may hold changes the grid lacks.';

COMMIT;
