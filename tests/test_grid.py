"""The lineage grid kept fresh: a statement that changes one of its inputs
marks it stale (trigger _90_mark_grid_stale, every branch, and the audit
trigger of mapping updates); refresh_lineage_grid
refreshes only a stale grid unless forced, records what it did, never blocks
a reader, runs one at a time, and a change made while it runs (committed
after its snapshot, or begun after it) is picked up by the next refresh."""

from __future__ import annotations

import re

import psycopg
import pytest
from registry import ensure_test_roles, login, make_mapping, raises_sqlstate, set_context
from support import url_for


def stale(db: psycopg.Connection) -> bool:
    return db.execute("SELECT stale FROM fieldmap.grid_status()").fetchone()[0]


def refresh(db: psycopg.Connection, force: bool = False) -> tuple:
    return db.execute("SELECT refreshed, reason FROM fieldmap.refresh_lineage_grid(%s)", (force,)).fetchone()


def grid_confidence(db: psycopg.Connection, mapping: object) -> float | None:
    row = db.execute("SELECT confidence_score FROM fieldmap.mv_mapping_lineage_grid WHERE id = %s", (mapping,)).fetchone()
    return row and float(row[0])


@pytest.fixture
def grid(db: psycopg.Connection, acme: dict) -> dict:
    """acme with one mapping (confidence 0.5), the grid refreshed and fresh;
    fm_test_writer_a and fm_test_reader_a are members of acme."""
    acme["mapping"] = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], confidence_score=0.5)
    ensure_test_roles(db)
    for role in ("fm_test_writer_a", "fm_test_reader_a"):
        db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, %s)", (acme["tenant"], role))
    refresh(db)
    assert not stale(db)
    return acme


def test_once_refreshed_a_fresh_grid_is_not_refreshed_again(db: psycopg.Connection) -> None:
    """(A new registry may start stale: the deploy's verify scripts probe in
    transactions they roll back, and a number once drawn stays drawn.)"""
    refresh(db)
    assert not stale(db)
    assert refresh(db) == (False, "fresh")
    assert db.execute("SELECT count(*) FROM fieldmap.mv_mapping_lineage_grid").fetchone() == (0,)


def test_a_change_makes_it_stale_and_the_next_refresh_shows_it(db: psycopg.Connection, grid: dict) -> None:
    db.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.9 WHERE id = %s", (grid["mapping"],))
    assert stale(db) and grid_confidence(db, grid["mapping"]) == 0.5
    row = db.execute("SELECT * FROM fieldmap.refresh_lineage_grid()").fetchone()
    assert row[:2] == (True, "stale") and row[2] >= 0 and row[3] == 1
    assert grid_confidence(db, grid["mapping"]) == 0.9 and not stale(db)
    assert refresh(db) == (False, "fresh")
    assert refresh(db, force=True) == (True, "forced")
    done = db.execute("""SELECT refreshes, last_rows, last_duration_ms >= 0, last_refresh_at > now() - interval '1 minute'
                           FROM fieldmap.grid_status()""").fetchone()
    assert done == (3, 1, True, True)  # the fixture's, the stale one, the forced one


# Every branch of the trigger, on each input the grid reads.
MARKS = [
    ("insert mapping", "SELECT fieldmap.import_mappings('salesforce', "
                       "'{\"account\": {\"fields\": {\"name\": \"Name\"}}}'::jsonb)"),
    ("update mapping", "UPDATE fieldmap.field_mappings SET notes = 'n'"),
    ("grid column error_count (an observation, not audited)", "UPDATE fieldmap.field_mappings SET error_count = 3"),
    # every column of field_mappings the grid shows, changed alone (audited or observed)
    ("grid column source_table", "UPDATE fieldmap.field_mappings SET source_table = 'Acct'"),
    ("grid column source_field", "UPDATE fieldmap.field_mappings SET source_field = 'AccountNumber'"),
    ("grid column canonical_field", "UPDATE fieldmap.field_mappings SET canonical_field = 'extras.number'"),
    ("grid column mapping_type", "UPDATE fieldmap.field_mappings SET mapping_type = 'computed'"),
    ("grid column confidence_score", "UPDATE fieldmap.field_mappings SET confidence_score = 0.6"),
    ("grid column transformation_rule",
     "UPDATE fieldmap.field_mappings SET transformation_rule = '{\"transform\": \"trim\"}'"),
    ("grid column validation_status", "UPDATE fieldmap.field_mappings SET validation_status = 'failed'"),
    ("grid column success_rate", "UPDATE fieldmap.field_mappings SET success_rate = 0.5"),
    ("grid column avg_processing_time_ms", "UPDATE fieldmap.field_mappings SET avg_processing_time_ms = 3"),
    ("grid column mapping_source", "UPDATE fieldmap.field_mappings SET mapping_source = 'rag'"),
    ("grid column status", "UPDATE fieldmap.field_mappings SET status = 'deprecated'"),
    ("delete mapping", "DELETE FROM fieldmap.field_mappings"),
    ("validation observations", "SELECT count(*) FROM fieldmap.validate_mappings()"),
    ("rename connector", "UPDATE fieldmap.connector_definitions SET connector_name = 'sfdc' WHERE connector_name = 'salesforce'"),
    ("delete connector", "DELETE FROM fieldmap.connector_definitions WHERE connector_name = 'spare'"),
    ("user e-mail", "UPDATE fieldmap.users SET email = 'ann@new.test' WHERE email = 'ann@acme.test'"),
    ("erased user", "SELECT fieldmap.erase_user(id) FROM fieldmap.users"),
    ("delete user", "DELETE FROM fieldmap.users WHERE email = 'spare@acme.test'"),
]


def test_the_marks_cover_every_mapping_column_the_grid_shows(db: psycopg.Connection) -> None:
    """Every column of field_mappings the grid reads has a statement above
    that changes it alone (the audit trigger marks audited columns, the
    grid's own trigger the validation observations; a column in neither
    would leave the grid stale unnoticed). The stamps follow any change."""
    shown = {r[0] for r in db.execute("""
        SELECT DISTINCT a.attname FROM pg_depend d
          JOIN pg_rewrite w ON w.oid = d.objid
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE w.ev_class = 'fieldmap.mv_mapping_lineage_grid'::regclass
           AND d.refobjid = 'fieldmap.field_mappings'::regclass""").fetchall()}
    marked = {re.search(r"SET (\w+) =", s).group(1) for n, s in MARKS if n.startswith("grid column")}
    # keys and stamps: set once, or by the database with any change; the
    # entity changes only with entity_schema_id (both audited)
    stamps_and_keys = {"id", "tenant_id", "connector_id", "created_by", "updated_by", "created_at", "updated_at",
                       "canonical_entity"}
    assert shown - marked - stamps_and_keys == set(), shown - marked


@pytest.mark.parametrize("statement", [s for _, s in MARKS], ids=[n for n, _ in MARKS])
def test_every_statement_on_an_input_marks_it_stale(db: psycopg.Connection, grid: dict, statement: str) -> None:
    db.execute("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type) "
               "VALUES (%s, 'spare', 'file')", (grid["tenant"],))
    db.execute("INSERT INTO fieldmap.users (tenant_id, email) VALUES (%s, 'spare@acme.test')", (grid["tenant"],))
    assert not stale(db)  # a new connector or user is in no grid row yet
    db.execute(statement)
    assert stale(db)


def test_truncate_marks_it_stale(db: psycopg.Connection, grid: dict) -> None:
    with db.transaction(force_rollback=True):
        db.execute("TRUNCATE fieldmap.field_mappings CASCADE")
        assert stale(db)


NOT_MARKS = [
    ("entity schema", "SELECT * FROM fieldmap.load_entities('{\"lead\": {\"fields\": {\"lead_id\": \"string!\"}}}'::json)"),
    ("user display name", "UPDATE fieldmap.users SET display_name = 'A. Example'"),
    ("connector settings", "UPDATE fieldmap.connector_definitions SET description = 'CRM'"),
    ("audit seal", "SELECT fieldmap.seal_audit_chain()"),
    ("no-op update of mappings", "UPDATE fieldmap.field_mappings SET notes = notes"),
    ("update of no mapping", "UPDATE fieldmap.field_mappings SET notes = 'n' WHERE false"),
]


@pytest.mark.parametrize("statement", [s for _, s in NOT_MARKS], ids=[n for n, _ in NOT_MARKS])
def test_what_the_grid_does_not_show_leaves_it_fresh(db: psycopg.Connection, grid: dict, statement: str) -> None:
    db.execute(statement)
    assert not stale(db)


def test_an_app_role_change_marks_it_stale_and_only_the_owner_refreshes(db: psycopg.Connection, grid: dict) -> None:
    with login(db, "fm_test_writer_a") as w:
        set_context(w, "acme")
        w.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.7")
        assert w.execute("SELECT stale FROM fieldmap.grid_status()").fetchone() == (True,)
        # the grid's row count is every tenant's: an app role is not told it (it was, by the trial)
        assert w.execute("SELECT last_rows FROM fieldmap.grid_status()").fetchone() == (None,)
        with raises_sqlstate("42501"):
            w.execute("SELECT * FROM fieldmap.refresh_lineage_grid(true)")
        with raises_sqlstate("42501"):
            w.execute("UPDATE fieldmap.grid_refresh_state SET covered_seq = 0")


def test_a_reader_is_not_blocked_by_a_running_refresh(db: psycopg.Connection, grid: dict) -> None:
    db.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.9")
    with login(db, "fm_test_reader_a") as reader:
        set_context(reader, "acme")
        reader.execute("SET lock_timeout = '2s'")
        with db.transaction():  # the refresh holds its locks until this commits
            assert refresh(db) == (True, "stale")
            assert float(reader.execute("SELECT confidence_score FROM fieldmap.lineage_grid").fetchone()[0]) == 0.5
            assert reader.execute("SELECT stale FROM fieldmap.grid_status()").fetchone() == (True,)
        assert float(reader.execute("SELECT confidence_score FROM fieldmap.lineage_grid").fetchone()[0]) == 0.9


def test_a_second_refresh_while_one_runs_is_told_so(db: psycopg.Connection, grid: dict) -> None:
    db.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.9")
    with psycopg.connect(url_for(db.info.dbname), autocommit=True) as other, db.transaction():
        assert refresh(db, force=True) == (True, "forced")
        assert refresh(other, force=True) == (False, "another refresh is running")


def test_an_app_role_cannot_keep_the_refresh_out(db: psycopg.Connection, grid: dict) -> None:
    """One refresh at a time is decided by a lock only the owner may take:
    the advisory lock it once took, any login could hold and stop every
    refresh; the state row, an app role may not even read."""
    db.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.9")
    with login(db, "fm_test_writer_a") as writer:
        writer.execute("SELECT pg_advisory_lock(hashtext('fieldmap.refresh_lineage_grid'))")
        with raises_sqlstate("42501", "permission denied for table grid_refresh_state"):
            writer.execute("SELECT FROM fieldmap.grid_refresh_state FOR UPDATE")
        assert refresh(db) == (True, "stale")


def test_a_change_committed_after_the_refresh_began_is_not_lost(db: psycopg.Connection, grid: dict) -> None:
    """The writer's transaction is open when the refresh takes its snapshot
    and commits afterwards: the refresh cannot see it, the next one does."""
    with login(db, "fm_test_writer_a") as w:
        set_context(w, "acme")
        with w.transaction():
            w.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.8")
            assert refresh(db) == (True, "stale")
        assert grid_confidence(db, grid["mapping"]) == 0.5 and stale(db)
    assert refresh(db) == (True, "stale") and grid_confidence(db, grid["mapping"]) == 0.8


def test_a_change_made_while_the_refresh_runs_is_not_lost(db: psycopg.Connection, grid: dict) -> None:
    """The refresh's transaction is still open when the writer commits."""
    db.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.9")
    with login(db, "fm_test_writer_a") as w:
        set_context(w, "acme")
        with db.transaction():
            assert refresh(db) == (True, "stale")
            w.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.3")
        assert grid_confidence(db, grid["mapping"]) == 0.9 and stale(db)
    assert refresh(db) == (True, "stale") and grid_confidence(db, grid["mapping"]) == 0.3
    assert not stale(db)


def test_a_transaction_that_rolled_back_leaves_it_fresh(db: psycopg.Connection, grid: dict) -> None:
    """Open when the refresh began and then rolled back: no refresh needed
    (the number it drew is covered; its transaction never committed)."""
    with login(db, "fm_test_writer_a") as w:
        set_context(w, "acme")
        w.execute("BEGIN")
        w.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.8")
        assert refresh(db) == (True, "stale")
        w.execute("ROLLBACK")
    assert not stale(db)
