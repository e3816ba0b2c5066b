"""The tamper-evident chain: it holds after concurrent writes and seals, and
verify_audit_chain() finds one altered byte, a deleted row, swapped rows, a
cut tail and altered personal data (all made as superuser with triggers
disabled, as an attacker with full access would)."""

from __future__ import annotations

import random
import threading
import uuid

import psycopg
import pytest
from registry import make_mapping, set_context
from support import url_for


def verify(db: psycopg.Connection, seal: bool = True) -> dict:
    with db.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return cur.execute("SELECT * FROM fieldmap.verify_audit_chain('acme', %s)", (seal,)).fetchone()


def test_chain_holds_after_1000_mixed_writes_from_4_concurrent_connections(db: psycopg.Connection, acme: dict) -> None:
    url = url_for(db.info.dbname)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        rnd = random.Random(n)
        try:
            with psycopg.connect(url, autocommit=True) as c:
                set_context(c, "acme", acme["user"], f"writer {n}")
                mine: list[uuid.UUID] = []
                for i in range(250):
                    op = rnd.random()
                    if op < 0.4 or not mine:
                        mine.append(make_mapping(c, acme["tenant"], acme["connector"], acme["entity"],
                                                 source_field=f"W{n}F{i}", canonical_field=f"extras.w{n}f{i}"))
                    elif op < 0.8:
                        c.execute("UPDATE fieldmap.field_mappings SET confidence_score = %s, notes = %s WHERE id = %s",
                                  (rnd.random(), f"n{i}", rnd.choice(mine)))
                    elif op < 0.9:
                        c.execute("DELETE FROM fieldmap.field_mappings WHERE id = %s", (mine.pop(rnd.randrange(len(mine))),))
                    else:
                        c.execute("SELECT fieldmap.seal_audit_chain()")  # sealers race the writers
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = verify(db)
    total = db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE tenant_id = %s",
                       (acme["tenant"],)).fetchone()[0]
    assert result["ok"], result
    assert result["checked"] == total and result["unsealed"] == 0
    assert total >= 1000
    positions = db.execute("SELECT array_agg(chain_pos ORDER BY chain_pos) FROM fieldmap.audit_chain"
                           " WHERE tenant_id = %s", (acme["tenant"],)).fetchone()[0]
    assert positions == list(range(1, total + 1))


@pytest.fixture
def sealed(db: psycopg.Connection, acme: dict) -> list[dict]:
    """Ten mappings changed a little, all sealed; returns the chain in order."""
    for i in range(10):
        m = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], source_field=f"F{i}",
                         canonical_field=f"extras.f{i}")
        db.execute("UPDATE fieldmap.field_mappings SET notes = 'note' WHERE id = %s", (m,))
    assert verify(db)["ok"]
    with db.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return cur.execute("SELECT * FROM fieldmap.audit_chain WHERE tenant_id = %s ORDER BY chain_pos",
                           (acme["tenant"],)).fetchall()


def as_attacker(db: psycopg.Connection, statement: str, params: tuple = ()) -> None:
    with db.transaction():
        db.execute("SET LOCAL session_replication_role = replica")  # all ordinary triggers off
        db.execute(statement, params)


def test_one_tampered_byte_is_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    victim = sealed[7]
    as_attacker(db, "UPDATE fieldmap.audit_log SET change_reason = 'test setuP' WHERE id = %s",
                (victim["audit_id"],))
    r = verify(db)
    assert not r["ok"] and r["first_broken_pos"] == victim["chain_pos"]
    assert "was altered" in r["problem"]


def test_a_tampered_value_inside_json_is_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    victim = next(c for c in sealed if c["chain_pos"] > 3)
    as_attacker(db, """UPDATE fieldmap.audit_log SET new_value = jsonb_set(new_value, '{source_field}', '"G0"')
                        WHERE id = %s AND new_value ? 'source_field'""", (victim["audit_id"],))
    r = verify(db)
    assert not r["ok"] and r["first_broken_pos"] == victim["chain_pos"]


def test_a_deleted_row_is_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    victim = sealed[4]
    as_attacker(db, "DELETE FROM fieldmap.audit_log WHERE id = %s", (victim["audit_id"],))
    r = verify(db)
    assert not r["ok"] and r["first_broken_pos"] == victim["chain_pos"] and "missing" in r["problem"]


def test_a_row_deleted_with_its_chain_entry_is_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    victim = sealed[4]
    as_attacker(db, "DELETE FROM fieldmap.audit_log WHERE id = %s", (victim["audit_id"],))
    as_attacker(db, "DELETE FROM fieldmap.audit_chain WHERE tenant_id = %s AND chain_pos = %s",
                (acme["tenant"], victim["chain_pos"]))
    r = verify(db)
    assert not r["ok"] and r["first_broken_pos"] == victim["chain_pos"] + 1 and "missing" in r["problem"]


def test_two_swapped_rows_are_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    a, b = sealed[2], sealed[5]
    # swap their contents (everything but the key): the attacker reorders history
    as_attacker(db, """
        WITH x AS (SELECT * FROM fieldmap.audit_log WHERE id = %(a)s),
             y AS (SELECT * FROM fieldmap.audit_log WHERE id = %(b)s)
        UPDATE fieldmap.audit_log t
           SET object_type = s.object_type, object_id = s.object_id, object_version = s.object_version,
               action = s.action, field_changed = s.field_changed, old_value = s.old_value, new_value = s.new_value
          FROM (SELECT %(a)s::uuid AS target, y.* FROM y UNION ALL SELECT %(b)s::uuid, x.* FROM x) s
         WHERE t.id = s.target""", {"a": a["audit_id"], "b": b["audit_id"]})
    r = verify(db)
    assert not r["ok"] and r["first_broken_pos"] == a["chain_pos"]


def test_two_swapped_chain_entries_are_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    a, b = sealed[2], sealed[5]
    swap = [(a["chain_pos"], 10**9), (b["chain_pos"], a["chain_pos"]), (10**9, b["chain_pos"])]
    for old, new in swap:  # one at a time: the key is checked row by row
        as_attacker(db, "UPDATE fieldmap.audit_chain SET chain_pos = %s WHERE tenant_id = %s AND chain_pos = %s",
                    (new, acme["tenant"], old))
    r = verify(db)
    assert not r["ok"] and r["first_broken_pos"] == a["chain_pos"] and "chain hash" in r["problem"]


def test_a_cut_tail_is_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    last = sealed[-1]
    as_attacker(db, "DELETE FROM fieldmap.audit_log WHERE id = %s", (last["audit_id"],))
    as_attacker(db, "DELETE FROM fieldmap.audit_chain WHERE tenant_id = %s AND chain_pos = %s",
                (acme["tenant"], last["chain_pos"]))
    r = verify(db)
    assert not r["ok"] and "head says" in r["problem"]


def test_altered_personal_data_is_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    victim = sealed[3]
    as_attacker(db, "UPDATE fieldmap.audit_log SET user_agent = 'forged' WHERE id = %s", (victim["audit_id"],))
    r = verify(db)
    assert not r["ok"] and r["first_broken_pos"] == victim["chain_pos"] and "personal data" in r["problem"]


def test_a_row_slipped_in_behind_the_sealer_is_found(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    # a row that claims an old transaction id, written after the seal that covered it
    as_attacker(db, """INSERT INTO fieldmap.audit_log (tenant_id, object_type, object_id, action, txid)
                       VALUES (%s, 'connector', gen_random_uuid(), 'created', '3')""", (acme["tenant"],))
    r = verify(db)
    assert not r["ok"] and "behind the sealer" in r["problem"]


def test_unsealed_rows_are_reported_and_sealed_on_verify(db: psycopg.Connection, acme: dict, sealed: list[dict]) -> None:
    make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], source_field="late", canonical_field="extras.late")
    r = verify(db, seal=False)
    assert r["ok"] and r["unsealed"] == 1
    r = verify(db)
    assert r["ok"] and r["unsealed"] == 0 and r["checked"] == len(sealed) + 1
