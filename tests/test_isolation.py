"""Tenant isolation: as an app role of tenant A, nothing of tenant B can be
read or written through any path, and no tenant means an error."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from registry import (
    acting_as,
    ensure_login_role,
    ensure_test_roles,
    login,
    make_connector,
    make_mapping,
    make_tenant,
    make_user,
    raises_sqlstate,
    set_context,
)

TENANT_TABLES = ["tenants", "users", "connector_definitions", "field_mappings", "mapping_embeddings",
                 "mapping_validation_results", "audit_log", "audit_chain", "audit_chain_heads"]


@pytest.fixture
def two_tenants(db: psycopg.Connection, acme: dict) -> dict:
    """acme (A) and globex (B), each with a user, connector, mapping, validation
    result, embedding, audit rows, sealed chain; the grid refreshed."""
    ensure_test_roles(db)
    a = acme
    b_tenant = make_tenant(db, "globex")
    b_user = make_user(db, b_tenant, "bea@globex.test")
    set_context(db, "globex", b_user)
    b = {"tenant": b_tenant, "user": b_user, "connector": make_connector(db, b_tenant), "entity": acme["entity"]}
    for t, slug in ((a, "acme"), (b, "globex")):
        set_context(db, slug, t["user"])
        t["mapping"] = make_mapping(db, t["tenant"], t["connector"], t["entity"])
        db.execute("UPDATE fieldmap.field_mappings SET notes = 'n' WHERE id = %s", (t["mapping"],))
        db.execute("""INSERT INTO fieldmap.mapping_validation_results
                        (tenant_id, field_mapping_id, validation_type, validation_status) VALUES (%s, %s, 'type_check', 'passed')""",
                   (t["tenant"], t["mapping"]))
        db.execute("""INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text, embedding_vector)
                      VALUES (%s, %s, 'Id account_id', array_fill(0.1, ARRAY[384])::vector)""", (t["tenant"], t["mapping"]))
        db.execute("SELECT fieldmap.seal_audit_chain()")
    db.execute("SELECT fieldmap.refresh_lineage_grid()")
    for role in ("fm_test_writer_a", "fm_test_reader_a", "fm_test_auditor_a"):
        db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, %s)", (a["tenant"], role))
    db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, 'fm_test_writer_b')", (b["tenant"],))
    db.execute("RESET fieldmap.tenant_id")
    return {"a": a, "b": b}


def tenant_ids(db: psycopg.Connection, table: str) -> set:
    col = "id" if table == "tenants" else "tenant_id"
    return {r[0] for r in db.execute(f"SELECT {col} FROM fieldmap.{table}").fetchall()}


@pytest.mark.parametrize("role", ["fm_test_writer_a", "fm_test_auditor_a", "fm_test_reader_a"])
def test_every_readable_table_and_view_shows_only_the_own_tenant(db: psycopg.Connection, two_tenants: dict,
                                                                  role: str) -> None:
    a = two_tenants["a"]["tenant"]
    with acting_as(db, role):
        set_context(db, "acme")
        seen = 0
        for table in TENANT_TABLES + ["lineage_grid"]:
            try:
                ids = tenant_ids(db, table)
            except psycopg.errors.InsufficientPrivilege:
                continue  # this role may not read it at all
            assert ids <= {a}, f"{role} sees another tenant in {table}"
            seen += 1
        assert seen >= 5


def test_api_functions_show_nothing_of_another_tenant(db: psycopg.Connection, two_tenants: dict) -> None:
    b = two_tenants["b"]
    make_mapping(db, b["tenant"], b["connector"], b["entity"], source_field="unsealed", canonical_field="name")  # B has work to seal
    heads = "SELECT tenant_id, last_pos FROM fieldmap.audit_chain_heads ORDER BY 1"
    before = dict(db.execute(heads).fetchall())
    with acting_as(db, "fm_test_writer_a"):
        set_context(db, "acme")
        assert db.execute("SELECT count(*) FROM fieldmap.mapping_history(%s)", (b["mapping"],)).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM fieldmap.mapping_as_of(%s, now())", (b["mapping"],)).fetchone()[0] == 0
        with raises_sqlstate("MR004"):
            db.execute("SELECT fieldmap.restore_mapping_version(%s, 1)", (b["mapping"],))
        with raises_sqlstate("MR003", "may not act for"):
            db.execute("SELECT fieldmap.seal_audit_chain('globex')")
        db.execute("SELECT fieldmap.seal_audit_chain()")  # seals A's rows only
    after = dict(db.execute(heads).fetchall())
    assert after[b["tenant"]] == before[b["tenant"]]
    with acting_as(db, "fm_test_auditor_a"):
        set_context(db, "acme")
        row = db.execute("SELECT tenant_id, ok FROM fieldmap.verify_audit_chain()").fetchone()
        assert row == (two_tenants["a"]["tenant"], True)
        with raises_sqlstate("MR003", "may not act for"):
            db.execute("SELECT * FROM fieldmap.verify_audit_chain('globex')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("SELECT * FROM fieldmap.mv_mapping_lineage_grid")


def test_writes_aimed_at_another_tenant_fail_or_touch_nothing(db: psycopg.Connection, two_tenants: dict) -> None:
    a, b = two_tenants["a"], two_tenants["b"]
    with acting_as(db, "fm_test_writer_a"):
        set_context(db, "acme")
        for table in ("field_mappings", "connector_definitions", "mapping_embeddings"):
            col = "field_mapping_id" if table == "mapping_embeddings" else "id"
            target = b["mapping"] if table != "connector_definitions" else b["connector"]
            assert db.execute(f"UPDATE fieldmap.{table} SET tenant_id = tenant_id WHERE {col} = %s",
                              (target,)).rowcount == 0
            assert db.execute(f"DELETE FROM fieldmap.{table} WHERE {col} = %s", (target,)).rowcount == 0
        assert db.execute("UPDATE fieldmap.field_mappings SET notes = 'mine' WHERE tenant_id = %s",
                          (b["tenant"],)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            make_mapping(db, b["tenant"], b["connector"], b["entity"], source_field="X")
        with raises_sqlstate("MR001", "cannot change"):
            db.execute("UPDATE fieldmap.field_mappings SET tenant_id = %s WHERE id = %s", (b["tenant"], a["mapping"]))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            db.execute("UPDATE fieldmap.mapping_embeddings SET tenant_id = %s WHERE field_mapping_id = %s",
                       (b["tenant"], a["mapping"]))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            db.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                          VALUES (%s, 'evil', 'file')""", (b["tenant"],))
    # B's data is untouched
    set_context(db, "globex")
    assert db.execute("SELECT notes FROM fieldmap.field_mappings WHERE id = %s", (b["mapping"],)).fetchone()[0] == "n"


def test_a_role_cannot_switch_itself_to_another_tenant(db: psycopg.Connection, two_tenants: dict) -> None:
    b = two_tenants["b"]
    with acting_as(db, "fm_test_writer_a"):
        with raises_sqlstate("MR003", "may not act for"):
            set_context(db, "globex")
    with acting_as(db, "fm_test_writer_a"):
        # the raw setting, bypassing set_context, is checked just the same
        db.execute("SELECT set_config('fieldmap.tenant_id', %s, false)", (str(b["tenant"]),))
        with raises_sqlstate("MR003", "may not act for"):
            db.execute("SELECT * FROM fieldmap.field_mappings")
    with acting_as(db, "fm_test_writer_a"):
        db.execute("SET fieldmap._all_tenants = on")  # owner-only mode
        with raises_sqlstate("MR003", "no tenant in context"):
            db.execute("SELECT * FROM fieldmap.field_mappings")


@pytest.mark.parametrize("relation", TENANT_TABLES[1:] + ["lineage_grid"])
def test_no_tenant_set_is_an_error_not_all_rows(db: psycopg.Connection, two_tenants: dict, relation: str) -> None:
    role = "fm_test_auditor_a" if relation.startswith(("audit_log", "audit_chain")) else "fm_test_writer_a"
    with acting_as(db, role):
        with raises_sqlstate("MR003", "no tenant in context"):
            db.execute(f"SELECT * FROM fieldmap.{relation}").fetchall()


def test_unknown_tenant_and_actor_are_refused(db: psycopg.Connection, two_tenants: dict) -> None:
    with raises_sqlstate("MR002", 'unknown tenant "nope"(?! \\()'):
        set_context(db, "nope")
    with raises_sqlstate("MR002", 'unknown tenant "acm" \\(did you mean "acme"\\?\\)'):
        set_context(db, "acm")
    for nothing in (None, "", "  "):  # it read 'unknown tenant "NULL"' (or "<NULL>" to an app role)
        with raises_sqlstate("MR001", "no tenant given: name one by slug or id"):
            set_context(db, nothing)
    # a role's guesses come from its own tenants only: no other tenant's name is told
    with login(db, "fm_test_writer_a") as app:
        with raises_sqlstate("MR003", 'may not act for tenant "acm" \\(did you mean "acme"\\?\\)'):
            set_context(app, "acm")
        with raises_sqlstate("MR003", 'may not act for tenant "globe"(?! \\()'):
            set_context(app, "globe")
        with raises_sqlstate("MR003", 'may not act for tenant "globex"(?! \\()'):
            set_context(app, "globex")
    with raises_sqlstate("MR001", "unknown user"):
        set_context(db, "acme", two_tenants["b"]["user"])  # B's user cannot act in A
    with raises_sqlstate("MR001", "unknown user"):
        set_context(db, "acme", uuid.uuid4())


def test_a_membership_must_name_a_role_that_exists(db: psycopg.Connection, acme: dict) -> None:
    """Every branch of _check_member_role: a typo is refused with a guess, an
    unknown name without one, a rename to a typo too; a row whose role was
    since dropped may still be rewritten unchanged and deleted."""
    ensure_test_roles(db)
    add = "INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, %s) RETURNING id"
    with raises_sqlstate("MR001", r'role "fm_test_writre_a" does not exist \(did you mean "fm_test_writer_a"\?\)'):
        db.execute(add, (acme["tenant"], "fm_test_writre_a"))
    with raises_sqlstate("MR001", r'role "nobody_at_all_here" does not exist\n'):
        db.execute(add, (acme["tenant"], "nobody_at_all_here"))
    with raises_sqlstate("23502"):  # no role: the column's NOT NULL says so, not "role <NULL> does not exist"
        db.execute(add, (acme["tenant"], None))
    with raises_sqlstate("MR001", 'role "fieldmap_writer" is one of fieldmap.s shared roles'):
        db.execute(add, (acme["tenant"], "fieldmap_writer"))  # every tenant's writers hold it
    member = db.execute(add, (acme["tenant"], "fm_test_writer_a")).fetchone()[0]
    with raises_sqlstate("MR001", 'role "fm_test_writer_x" does not exist'):
        db.execute("UPDATE fieldmap.tenant_members SET role_name = 'fm_test_writer_x' WHERE id = %s", (member,))
    db.execute("UPDATE fieldmap.tenant_members SET role_name = 'fm_test_reader_a' WHERE id = %s", (member,))
    db.execute("CREATE ROLE fm_test_short_lived NOLOGIN")
    try:
        gone = db.execute(add, (acme["tenant"], "fm_test_short_lived")).fetchone()[0]
    finally:
        db.execute("DROP ROLE fm_test_short_lived")
    db.execute("UPDATE fieldmap.tenant_members SET role_name = role_name WHERE id = %s", (gone,))
    assert db.execute("DELETE FROM fieldmap.tenant_members WHERE id = %s", (gone,)).rowcount == 1
    assert [r[0] for r in db.execute("SELECT role_name FROM fieldmap.tenant_members")] == ["fm_test_reader_a"]


def test_a_membership_of_a_dropped_role_locks_no_one_out(db: psycopg.Connection, two_tenants: dict) -> None:
    """pg_has_role raised for a role name that no longer exists, and
    list_tenants asks it of every tenant: one stale row, left by an ordinary
    DROP ROLE, stopped every non-owner role."""
    db.execute("CREATE ROLE fm_test_dropped_later NOLOGIN")
    try:
        db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, 'fm_test_dropped_later')",
                   (two_tenants["b"]["tenant"],))
    finally:
        db.execute("DROP ROLE fm_test_dropped_later")
    with login(db, "fm_test_writer_a") as app:
        assert [r[0] for r in app.execute("SELECT slug FROM fieldmap.list_tenants()")] == ["acme"]
        set_context(app, "acme")
        with raises_sqlstate("MR003"):
            set_context(app, "globex")
    # a role whose name needs quoting is still found (to_regrole parses an identifier)
    ensure_login_role(db, "FM Test Mixed", "fieldmap_reader")
    db.execute("""INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, 'FM Test Mixed')
                  ON CONFLICT DO NOTHING""", (two_tenants["b"]["tenant"],))
    with acting_as(db, "FM Test Mixed"):
        set_context(db, "globex")


def test_a_row_written_without_tenant_id_takes_the_contexts_tenant(db: psycopg.Connection, two_tenants: dict) -> None:
    """From psql, a writer leaves tenant_id out: the session's tenant is
    taken; with none in context, current_tenant_id()'s own message (it was
    a NOT NULL violation that said nothing about tenants)."""
    a = two_tenants["a"]
    with login(db, "fm_test_writer_a") as app:
        with raises_sqlstate("MR003", "no tenant in context"):
            app.execute("INSERT INTO fieldmap.connector_definitions (connector_name, connector_type) VALUES ('pipe', 'rest_api')")
        with app.transaction():
            set_context(app, "acme")
            connector = app.execute("""INSERT INTO fieldmap.connector_definitions (connector_name, connector_type)
                                       VALUES ('pipe', 'rest_api') RETURNING id, tenant_id""").fetchone()
            mapping = app.execute("""INSERT INTO fieldmap.field_mappings (connector_id, entity_schema_id, source_table,
                                       source_field, canonical_entity, canonical_field)
                                     VALUES (%s, %s, 'Account', 'Id', 'account', 'account_id') RETURNING tenant_id""",
                                  (connector[0], a["entity"])).fetchone()
            result = app.execute("""INSERT INTO fieldmap.mapping_validation_results (field_mapping_id, validation_type,
                                      validation_status) VALUES (%s, 'type_check', 'passed') RETURNING tenant_id""",
                                 (a["mapping"],)).fetchone()
    assert connector[1] == mapping[0] == result[0] == a["tenant"]
