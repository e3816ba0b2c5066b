"""Retention purge and GDPR erasure both keep the chain verifiable."""

from __future__ import annotations

import json

import psycopg
import pytest
from registry import make_mapping, raises_sqlstate, set_context


def verify(db: psycopg.Connection, tenant: str = "acme") -> tuple:
    return db.execute("SELECT ok, checked, problem FROM fieldmap.verify_audit_chain(%s)", (tenant,)).fetchone()


def backdate(db: psycopg.Connection, tenant, n: int, days: int) -> None:
    """Make the first n audit rows of a tenant look `days` old (before they are sealed)."""
    with db.transaction():
        db.execute("SET LOCAL session_replication_role = replica")
        db.execute("""UPDATE fieldmap.audit_log SET created_at = now() - make_interval(days => %s)
                       WHERE id IN (SELECT id FROM fieldmap.audit_log WHERE tenant_id = %s ORDER BY seq LIMIT %s)""",
                   (days, tenant, n))


def test_purge_deletes_only_rows_past_retention_in_batches_and_the_chain_still_verifies(
        db: psycopg.Connection, acme: dict) -> None:
    for i in range(6):
        make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], source_field=f"F{i}", canonical_field=f"extras.f{i}")
    total = db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE tenant_id = %s", (acme["tenant"],)).fetchone()[0]
    backdate(db, acme["tenant"], 5, days=40)
    assert verify(db)[0]  # seals: the 5 old rows are the chain's first 5
    db.execute("UPDATE fieldmap.tenants SET settings = '{\"audit_retention_days\": 30}' WHERE id = %s", (acme["tenant"],))

    # another tenant without a retention setting keeps everything
    db.execute("INSERT INTO fieldmap.tenants (slug, name) VALUES ('keeper', 'Keeper')")
    kept = db.execute("SELECT count(*) FROM fieldmap.audit_log").fetchone()[0] - total - 1

    deleted = []
    while (n := db.execute("SELECT fieldmap.purge_audit_log(2)").fetchone()[0]) > 0:
        deleted.append(n)
    assert deleted == [2, 2, 1]
    remaining = db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE tenant_id = %s AND action <> 'purged'",
                           (acme["tenant"],)).fetchone()[0]
    assert remaining == total - 5 + 1  # + the settings change
    assert db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE tenant_id = %s"
                      " AND created_at < now() - interval '30 days'", (acme["tenant"],)).fetchone()[0] == 0
    purges = db.execute("SELECT new_value FROM fieldmap.audit_log WHERE action = 'purged' ORDER BY seq").fetchall()
    assert [p[0]["rows"] for p in purges] == [2, 2, 1] and purges[-1][0]["through_position"] == 5
    assert db.execute("SELECT checkpoint_pos FROM fieldmap.audit_chain_heads WHERE tenant_id = %s",
                      (acme["tenant"],)).fetchone()[0] == 5
    ok, checked, problem = verify(db)
    assert ok, problem
    assert checked == remaining + len(purges)
    assert db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE tenant_id <> %s",
                      (acme["tenant"],)).fetchone()[0] == kept
    assert db.execute("SELECT fieldmap.purge_audit_log()").fetchone()[0] == 0  # nothing more is due


def test_purge_never_cuts_into_the_retained_part_of_the_chain(db: psycopg.Connection, acme: dict) -> None:
    make_mapping(db, acme["tenant"], acme["connector"], acme["entity"])
    with db.transaction():  # an old row sealed *after* recent ones: not a prefix, so kept
        db.execute("SELECT fieldmap.seal_audit_chain()")
    make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], source_field="Name", canonical_field="name")
    with db.transaction():
        db.execute("SET LOCAL session_replication_role = replica")
        db.execute("""UPDATE fieldmap.audit_log SET created_at = now() - interval '99 days'
                       WHERE id = (SELECT max(id::text)::uuid FROM fieldmap.audit_log a
                                    WHERE a.seq = (SELECT max(seq) FROM fieldmap.audit_log))""")
    db.execute("UPDATE fieldmap.tenants SET settings = '{\"audit_retention_days\": 30}' WHERE id = %s", (acme["tenant"],))
    assert db.execute("SELECT fieldmap.purge_audit_log()").fetchone()[0] == 0
    assert verify(db)[0]


@pytest.mark.parametrize("seal_first", [True, False])
def test_erasure_pseudonymises_everywhere_and_the_chain_still_verifies(db: psycopg.Connection, acme: dict,
                                                                       seal_first: bool) -> None:
    user = acme["user"]
    db.execute("SET application_name = 'ann-laptop'")
    set_context(db, "acme", user, "ann edits")
    m = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"])
    db.execute("UPDATE fieldmap.field_mappings SET notes = 'by ann' WHERE id = %s", (m,))
    db.execute("UPDATE fieldmap.users SET display_name = 'Ann Q. Example', email = 'ann.q@acme.test' WHERE id = %s",
               (user,))
    if seal_first:
        assert verify(db)[0]

    result = db.execute("SELECT fieldmap.erase_user(%s)", (user,)).fetchone()[0]
    assert result["audit_rows_about_user"] >= 3 and result["audit_rows_of_sessions"] >= 3

    # the person is gone from the user row and from every audit payload
    row = db.execute("SELECT email, display_name, status FROM fieldmap.users WHERE id = %s", (user,)).fetchone()
    assert row[0].endswith("@erased.invalid") and row[1] is None and row[2] == "erased"
    everything = json.dumps([list(map(str, r)) for r in db.execute("SELECT * FROM fieldmap.audit_log").fetchall()])
    for personal in ("ann@acme.test", "ann.q@acme.test", "Ann Example", "Ann Q. Example", "ann-laptop"):
        assert personal not in everything
    # the pseudonymous id still tells which changes one person made
    assert db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE changed_by = %s", (user,)).fetchone()[0] >= 3
    erased = db.execute("""SELECT old_value, new_value FROM fieldmap.audit_log
                            WHERE action = 'erased' AND object_id = %s""", (user,)).fetchall()
    assert erased == [(None, None)]

    ok, _, problem = verify(db)
    assert ok, problem


def test_erasure_does_not_hide_tampering(db: psycopg.Connection, acme: dict) -> None:
    make_mapping(db, acme["tenant"], acme["connector"], acme["entity"])
    db.execute("SELECT fieldmap.erase_user(%s)", (acme["user"],))
    assert verify(db)[0]
    with db.transaction():
        db.execute("SET LOCAL session_replication_role = replica")
        db.execute("""UPDATE fieldmap.audit_log SET change_reason = 'forged'
                       WHERE id = (SELECT id FROM fieldmap.audit_log WHERE erased_at IS NOT NULL AND tenant_id = %s
                                   ORDER BY seq LIMIT 1)""", (acme["tenant"],))
    assert not verify(db)[0]


def test_erasure_of_an_unknown_user_is_refused(db: psycopg.Connection, acme: dict) -> None:
    with raises_sqlstate("MR004", "no user"):
        db.execute("SELECT fieldmap.erase_user(gen_random_uuid())")


def test_erase_user_may_rewrite_only_personal_columns(db: psycopg.Connection, acme: dict) -> None:
    with db.transaction():
        db.execute("SET LOCAL fieldmap._erase = on")
        with raises_sqlstate("MR006", "append-only"):
            db.execute("UPDATE fieldmap.audit_log SET action = 'deleted'")
