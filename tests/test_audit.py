"""Audit triggers: every branch (insert, update of one and of several
columns, no-op update, delete, deprecate, validate, restore) on every audited
table, the context they record, the stamps the database sets, and the
append-only rule."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from registry import (
    acting_as,
    audit_rows,
    ensure_test_roles,
    make_mapping,
    mapping_row,
    raises_sqlstate,
    set_context,
)


@pytest.fixture
def mapping(db: psycopg.Connection, acme: dict) -> uuid.UUID:
    return make_mapping(db, acme["tenant"], acme["connector"], acme["entity"])


def test_insert_writes_one_created_row_with_the_whole_row_and_the_context(
        db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    rows = audit_rows(db, mapping)
    assert len(rows) == 1
    a = rows[0]
    row = mapping_row(db, mapping)
    assert a["action"] == "created" and a["object_type"] == "field_mapping"
    assert a["object_id"] == mapping and a["object_version"] == 1 and a["tenant_id"] == acme["tenant"]
    assert a["field_changed"] is None and a["old_value"] is None
    assert a["new_value"]["source_field"] == "Id" and a["new_value"]["id"] == str(mapping)
    assert set(a["new_value"]) == set(row)
    assert a["changed_by"] == acme["user"]
    assert a["change_reason"] == "test setup" and a["trace_id"] == "trace-setup"
    assert a["user_agent"] is None  # the test connection sets no application_name
    assert a["ip_address"] == db.execute("SELECT inet_client_addr()").fetchone()[0]  # NULL over a unix socket
    assert row["created_by"] == acme["user"] and row["updated_by"] == acme["user"] and row["version"] == 1


def test_update_of_one_column_writes_one_row_and_bumps_the_version(
        db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    set_context(db, "acme", acme["user"], "rename", "trace-2")
    db.execute("SET application_name = 'crm-sync/2.1'")
    db.execute("UPDATE fieldmap.field_mappings SET notes = 'first note' WHERE id = %s", (mapping,))
    rows = audit_rows(db, mapping)[1:]
    assert [(r["action"], r["field_changed"], r["old_value"], r["new_value"], r["object_version"]) for r in rows] == [
        ("updated", "notes", None, "first note", 2)]
    assert rows[0]["change_reason"] == "rename" and rows[0]["trace_id"] == "trace-2"
    assert rows[0]["confidence_delta"] is None
    assert rows[0]["user_agent"] == "crm-sync/2.1"
    row = mapping_row(db, mapping)
    assert row["version"] == 2 and row["updated_by"] == acme["user"]


def test_update_of_several_columns_writes_one_row_per_column(
        db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    db.execute("""UPDATE fieldmap.field_mappings
                     SET confidence_score = 0.75, mapping_type = 'transformed', transformation_rule = '{"transform": "lowercase"}'
                   WHERE id = %s""", (mapping,))
    rows = {r["field_changed"]: r for r in audit_rows(db, mapping)[1:]}
    assert set(rows) == {"confidence_score", "mapping_type", "transformation_rule"}
    assert {r["object_version"] for r in rows.values()} == {2}
    assert rows["confidence_score"]["confidence_delta"] == pytest.approx(-0.25)
    assert rows["confidence_score"]["old_value"] == 1 and rows["confidence_score"]["new_value"] == 0.75
    assert rows["transformation_rule"]["new_value"] == {"transform": "lowercase"}
    assert rows["mapping_type"]["confidence_delta"] is None


def test_noop_update_writes_nothing_and_keeps_the_stamps(
        db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    before = mapping_row(db, mapping)
    # same values, and a client trying to set the stamps itself
    db.execute("""UPDATE fieldmap.field_mappings
                     SET source_field = source_field, version = 42, updated_at = '2001-01-01', updated_by = NULL,
                         created_at = '2001-01-01'
                   WHERE id = %s""", (mapping,))
    assert mapping_row(db, mapping) == before
    assert len(audit_rows(db, mapping)) == 1


def test_one_statement_over_many_rows_audits_exactly_the_changed_ones(
        db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    other = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], "Name", "name")
    same = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], "Type", "industry")
    db.execute("""UPDATE fieldmap.field_mappings SET notes = CASE WHEN id = %(same)s THEN notes ELSE 'bulk' END
                   WHERE id IN (%(a)s, %(b)s, %(same)s)""", {"a": mapping, "b": other, "same": same})
    for m in (mapping, other):
        assert [(r["field_changed"], r["new_value"], r["object_version"]) for r in audit_rows(db, m)[1:]] == [
            ("notes", "bulk", 2)]
    assert len(audit_rows(db, same)) == 1 and mapping_row(db, same)["version"] == 1
    # a statement that matches nothing still fires the statement trigger: it writes nothing
    db.execute("UPDATE fieldmap.field_mappings SET notes = 'none' WHERE id = gen_random_uuid()")
    assert db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE field_changed IS NOT NULL").fetchone()[0] == 2


def test_a_large_update_after_a_one_row_update_in_the_same_session_is_audited_row_by_row(
        db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    # the statement trigger's plan is made once per session, on the first
    # call's row counts (bench_audit times this order; here: correctness)
    db.execute("""INSERT INTO fieldmap.field_mappings
                    (tenant_id, connector_id, entity_schema_id, source_table, source_field, canonical_entity, canonical_field)
                  SELECT %s, %s, %s, 'Bulk', 'F' || i, 'account', 'extras.f' || i FROM generate_series(1, 2000) i""",
               (acme["tenant"], acme["connector"], acme["entity"]))
    db.execute("UPDATE fieldmap.field_mappings SET notes = 'one' WHERE id = %s", (mapping,))
    n = db.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.5 WHERE source_table = 'Bulk'").rowcount
    got = db.execute("""SELECT count(*), count(DISTINCT object_id), min(object_version), max(object_version),
                               sum(confidence_delta)
                          FROM fieldmap.audit_log WHERE field_changed = 'confidence_score'""").fetchone()
    assert n == 2000 and got == (2000, 2000, 2, 2, pytest.approx(-1000.0))


# the latest validation's observations: no part of a mapping's definition, neither versioned nor audited
OBSERVATIONS = ["success_rate", "error_count", "last_validated_at", "avg_processing_time_ms"]


def test_observations_of_a_validation_make_no_version_and_no_audit_rows(
        db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    db.execute("""UPDATE fieldmap.field_mappings SET success_rate = 0.5, error_count = 2, last_validated_at = now(),
                         avg_processing_time_ms = 1 WHERE id = %s""", (mapping,))
    row = mapping_row(db, mapping)
    assert (row["success_rate"], row["error_count"], row["version"]) == (0.5, 2, 1)
    assert len(audit_rows(db, mapping)) == 1
    db.execute("UPDATE fieldmap.field_mappings SET validation_status = 'validated', error_count = 0 WHERE id = %s",
               (mapping,))
    assert [(r["action"], r["field_changed"]) for r in audit_rows(db, mapping)[1:]] == [("validated", "validation_status")]
    assert mapping_row(db, mapping)["version"] == 2


def test_the_update_audit_knows_every_column_of_field_mappings(db: psycopg.Connection) -> None:
    # _audit_mappings_updated lists the columns by number three times (compare,
    # old value, new value) and once by name; a new column must be in all four
    cols = [r[0] for r in db.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'fieldmap' AND table_name = 'field_mappings'
              AND column_name NOT IN ('id', 'tenant_id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by')
              AND column_name NOT IN (SELECT unnest(%s::text[]))
            ORDER BY ordinal_position""", (OBSERVATIONS,))]
    src = db.execute("SELECT prosrc FROM pg_proc WHERE oid = 'fieldmap._audit_mappings_updated()'::regprocedure").fetchone()[0]
    names = re.search(r"'\{([a-z_,]+)\}'::text\[\]", src).group(1).split(",")
    numbered = list(enumerate(names, 1))
    assert sorted(names) == sorted(cols)
    assert [(int(i), a) for i, a, b in re.findall(r"\(\s*(\d+), o\.(\w+)\s+IS DISTINCT FROM n\.(\w+)\)", src) if a == b] == numbered
    for side in "on":
        assert [(int(i), c) for i, c in re.findall(rf"WHEN\s+(\d+) THEN to_jsonb\({side}\.(\w+)\)", src)] == numbered


def test_stamps_are_set_by_the_database_whatever_the_client_sends(
        db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    with db.transaction():
        db.execute("""UPDATE fieldmap.field_mappings SET notes = 'x', version = 42, updated_at = '2001-01-01',
                             updated_by = NULL WHERE id = %s""", (mapping,))
        row = mapping_row(db, mapping)
        now = db.execute("SELECT now()").fetchone()[0]
    assert row["version"] == 2 and row["updated_at"] == now and row["updated_by"] == acme["user"]
    with raises_sqlstate("MR001", "cannot change"):
        db.execute("UPDATE fieldmap.field_mappings SET id = gen_random_uuid() WHERE id = %s", (mapping,))


def test_deprecate_and_validate_have_their_own_actions(db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    db.execute("UPDATE fieldmap.field_mappings SET status = 'deprecated' WHERE id = %s", (mapping,))
    db.execute("UPDATE fieldmap.field_mappings SET validation_status = 'validated' WHERE id = %s", (mapping,))
    db.execute("UPDATE fieldmap.field_mappings SET status = 'active', validation_status = 'failed' WHERE id = %s",
               (mapping,))
    got = sorted((r["object_version"], r["action"], r["field_changed"]) for r in audit_rows(db, mapping)[1:])
    assert got == [(2, "deprecated", "status"), (3, "validated", "validation_status"),
                   (4, "updated", "status"), (4, "validated", "validation_status")]


def test_delete_writes_one_deleted_row_with_the_whole_row(db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    before = mapping_row(db, mapping)
    set_context(db, "acme", acme["user"], "cleanup")
    db.execute("DELETE FROM fieldmap.field_mappings WHERE id = %s", (mapping,))
    last = audit_rows(db, mapping)[-1]
    assert last["action"] == "deleted" and last["new_value"] is None and last["field_changed"] is None
    assert last["old_value"]["id"] == str(mapping) and last["object_version"] == before["version"]
    assert last["change_reason"] == "cleanup"


def test_restore_is_an_audited_change_with_a_new_version(db: psycopg.Connection, acme: dict, mapping: uuid.UUID) -> None:
    db.execute("UPDATE fieldmap.field_mappings SET notes = 'v2' WHERE id = %s", (mapping,))
    assert db.execute("SELECT fieldmap.restore_mapping_version(%s, 1)", (mapping,)).fetchone()[0] == 3
    last = audit_rows(db, mapping)[-1]
    assert (last["action"], last["field_changed"], last["old_value"], last["new_value"], last["object_version"]) == (
        "restored", "notes", "v2", None, 3)
    # restoring what is current changes nothing
    assert db.execute("SELECT fieldmap.restore_mapping_version(%s, 3)", (mapping,)).fetchone()[0] == 3
    assert len(audit_rows(db, mapping)) == 3
    # restoring a deleted mapping re-inserts it under a new version
    db.execute("DELETE FROM fieldmap.field_mappings WHERE id = %s", (mapping,))
    assert db.execute("SELECT fieldmap.restore_mapping_version(%s, 2)", (mapping,)).fetchone()[0] == 4
    last = audit_rows(db, mapping)[-1]
    assert last["action"] == "restored" and last["field_changed"] is None and last["new_value"]["notes"] == "v2"
    assert mapping_row(db, mapping)["notes"] == "v2"
    with raises_sqlstate("MR004", "has no version 9"):
        db.execute("SELECT fieldmap.restore_mapping_version(%s, 9)", (mapping,))


def test_a_restore_onto_a_target_another_mapping_holds_names_it(db: psycopg.Connection, acme: dict,
                                                                  mapping: uuid.UUID) -> None:
    """It got the bare unique_active_mapping error: which mapping holds the
    field, and what to do, was left to guess."""
    db.execute("UPDATE fieldmap.field_mappings SET status = 'deprecated' WHERE id = %s", (mapping,))
    holder = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], source_field="AccountNumber")
    with raises_sqlstate("MR005", f"version 1 of mapping {mapping} maps to account.account_id, which active mapping "
                                  f"{holder} \\(from Account.AccountNumber\\) holds now") as refused:
        db.execute("SELECT fieldmap.restore_mapping_version(%s, 1)", (mapping,))
    assert "a target has one active mapping: deprecate or delete that mapping first" in refused.value.diag.message_hint
    assert mapping_row(db, mapping)["status"] == "deprecated"  # nothing changed
    # a deprecated version restores beside it
    assert db.execute("SELECT fieldmap.restore_mapping_version(%s, 2)", (mapping,)).fetchone()[0] == 2
    # deleted, it would come back by an INSERT: the same message
    db.execute("DELETE FROM fieldmap.field_mappings WHERE id = %s", (mapping,))
    with raises_sqlstate("MR005", f"which active mapping {holder} "):
        db.execute("SELECT fieldmap.restore_mapping_version(%s, 1)", (mapping,))
    # once the holder goes, the active version restores
    db.execute("DELETE FROM fieldmap.field_mappings WHERE id = %s", (holder,))
    assert db.execute("SELECT fieldmap.restore_mapping_version(%s, 1)", (mapping,)).fetchone()[0] == 3
    assert mapping_row(db, mapping)["status"] == "active"


@pytest.mark.parametrize("table,object_type,update,key", [
    ("connector_definitions", "connector", "description = 'CRM'", "description"),
    ("users", "user", "display_name = 'Ann B.'", "display_name"),
])
def test_other_tenant_tables_are_audited_on_every_branch(db: psycopg.Connection, acme: dict, table: str,
                                                         object_type: str, update: str, key: str) -> None:
    if table == "users":
        oid = db.execute("INSERT INTO fieldmap.users (tenant_id, email) VALUES (%s, 'bob@acme.test') RETURNING id",
                         (acme["tenant"],)).fetchone()[0]
    else:
        oid = db.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                            VALUES (%s, 'hubspot', 'rest_api') RETURNING id""", (acme["tenant"],)).fetchone()[0]
    db.execute(f"UPDATE fieldmap.{table} SET {update} WHERE id = %s", (oid,))
    db.execute(f"UPDATE fieldmap.{table} SET {update} WHERE id = %s", (oid,))  # no-op
    db.execute(f"DELETE FROM fieldmap.{table} WHERE id = %s", (oid,))
    got = [(r["action"], r["field_changed"], r["object_type"], r["tenant_id"]) for r in audit_rows(db, oid)]
    assert got == [("created", None, object_type, acme["tenant"]), ("updated", key, object_type, acme["tenant"]),
                   ("deleted", None, object_type, acme["tenant"])]


def test_tenants_and_shared_entities_are_audited(db: psycopg.Connection, acme: dict) -> None:
    db.execute("UPDATE fieldmap.tenants SET settings = '{\"audit_retention_days\": 90}' WHERE id = %s", (acme["tenant"],))
    db.execute("UPDATE fieldmap.tenants SET settings = '{\"audit_retention_days\": 90}' WHERE id = %s", (acme["tenant"],))
    got = [(r["action"], r["field_changed"], r["new_value"]) for r in audit_rows(db, acme["tenant"])]
    assert got[0][0] == "created"
    assert got[1:] == [("updated", "settings", {"audit_retention_days": 90})]

    system = "00000000-0000-0000-0000-000000000000"
    entity = acme["entity"]
    db.execute("UPDATE fieldmap.entity_schemas SET description = 'Organisations' WHERE id = %s", (entity,))
    db.execute("DELETE FROM fieldmap.entity_schemas WHERE id = %s AND NOT EXISTS"
               " (SELECT FROM fieldmap.field_mappings WHERE entity_schema_id = %s)", (entity, entity))
    got = [(r["action"], r["field_changed"], str(r["tenant_id"])) for r in audit_rows(db, entity)]
    assert got == [("created", None, system), ("updated", "description", system), ("deleted", None, system)]


def test_writes_without_a_tenant_in_context_fail(db: psycopg.Connection, acme: dict) -> None:
    ensure_test_roles(db)
    db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, 'fm_test_writer_a')", (acme["tenant"],))
    db.execute("RESET fieldmap.tenant_id")
    with acting_as(db, "fm_test_writer_a"):
        with raises_sqlstate("MR003", "no tenant in context"):
            make_mapping(db, acme["tenant"], acme["connector"], acme["entity"])
        with raises_sqlstate("MR003", "no tenant in context"):
            db.execute("UPDATE fieldmap.field_mappings SET notes = 'x'")


APPEND_ONLY_STATEMENTS = [
    "UPDATE fieldmap.audit_log SET change_reason = 'rewritten'",
    "DELETE FROM fieldmap.audit_log",
    "TRUNCATE fieldmap.audit_log",
    "UPDATE fieldmap.audit_chain SET chain_pos = chain_pos + 100",
    "DELETE FROM fieldmap.audit_chain",
    "TRUNCATE fieldmap.audit_chain",
]


@pytest.mark.parametrize("role", ["superuser", "fieldmap_owner", "fm_test_writer_a", "fm_test_auditor_a",
                                  "fm_test_reader_a"])
@pytest.mark.parametrize("statement", APPEND_ONLY_STATEMENTS)
def test_the_audit_trail_is_append_only_for_every_role(db: psycopg.Connection, acme: dict, mapping: uuid.UUID,
                                                       role: str, statement: str) -> None:
    db.execute("SELECT fieldmap.seal_audit_chain()")
    ensure_test_roles(db)
    for r in ("fm_test_writer_a", "fm_test_auditor_a", "fm_test_reader_a"):
        db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, %s)", (acme["tenant"], r))
    before = db.execute("SELECT count(*), string_agg(change_reason, ',') FROM fieldmap.audit_log").fetchone()
    # the owner and superusers hold the privilege, and the trigger refuses (MR006); app roles lack it (42501)
    with raises_sqlstate("MR006" if role in ("superuser", "fieldmap_owner") else "42501"):
        if role == "superuser":
            db.execute(statement)
        elif role == "fieldmap_owner":
            db.execute("SET ROLE fieldmap_owner")
            try:
                db.execute(statement)
            finally:
                db.execute("RESET ROLE")
        else:
            with acting_as(db, role):
                set_context(db, "acme")
                db.execute(statement)
    assert db.execute("SELECT count(*), string_agg(change_reason, ',') FROM fieldmap.audit_log").fetchone() == before


def test_tenant_membership_changes_are_audited(db: psycopg.Connection, acme: dict) -> None:
    ensure_test_roles(db)  # a membership must name a role that exists
    mid = db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name)"
                     " VALUES (%s, 'fm_test_writer_a') RETURNING id", (acme["tenant"],)).fetchone()[0]
    db.execute("UPDATE fieldmap.tenant_members SET role_name = 'fm_test_reader_a' WHERE id = %s", (mid,))
    db.execute("DELETE FROM fieldmap.tenant_members WHERE id = %s", (mid,))
    got = [(r["action"], r["object_type"], r["field_changed"], r["tenant_id"]) for r in audit_rows(db, mid)]
    assert got == [("created", "tenant_member", None, acme["tenant"]),
                   ("updated", "tenant_member", "role_name", acme["tenant"]),
                   ("deleted", "tenant_member", None, acme["tenant"])]
