"""Version history: every version recoverable, exactly, also after deletion."""

from __future__ import annotations

import uuid

import psycopg
from psycopg.rows import dict_row
from registry import make_mapping, mapping_row, set_context


def as_of(db: psycopg.Connection, mapping: uuid.UUID, at: object) -> dict | None:
    """The mapping at a moment, or None: mapping_as_of returns no row before it existed."""
    with db.cursor(row_factory=dict_row) as cur:
        rows = cur.execute("SELECT * FROM fieldmap.mapping_as_of(%s, %s)", (mapping, at)).fetchall()
    assert len(rows) <= 1
    return rows[0] if rows else None


CHANGES = [
    "UPDATE fieldmap.field_mappings SET notes = 'first' WHERE id = %(id)s",
    "UPDATE fieldmap.field_mappings SET confidence_score = 0.123456789012345, success_rate = 0.1 WHERE id = %(id)s",
    """UPDATE fieldmap.field_mappings SET transformation_rule = '{"transform": "map_values", "values": {"a": 1, "b": 2.5, "c": null}}',
              mapping_type = 'transformed', coercion_function = 'lowercase' WHERE id = %(id)s""",
    "UPDATE fieldmap.field_mappings SET status = 'deprecated', notes = NULL WHERE id = %(id)s",
    "UPDATE fieldmap.field_mappings SET validation_status = 'validated', last_validated_at = now(),"
    " error_count = 3, avg_processing_time_ms = 12 WHERE id = %(id)s",
    "UPDATE fieldmap.field_mappings SET notes = 'quotes '' \" ; % $1 ünïcödé' WHERE id = %(id)s".replace("; %", "; %%"),
]


def test_mapping_as_of_every_version_reproduces_the_exact_row(db: psycopg.Connection, acme: dict) -> None:
    db.execute("SET extra_float_digits = 0")  # a client's odd setting must not bend history
    created_before = db.execute("SELECT now()").fetchone()[0]
    mapping = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"], connection_id=uuid.uuid4())
    snapshots = [mapping_row(db, mapping)]
    for i, change in enumerate(CHANGES):
        set_context(db, "acme", acme["user"] if i % 2 else None, f"change {i}")
        db.execute(change, {"id": mapping})
        snapshots.append(mapping_row(db, mapping))
    assert [s["version"] for s in snapshots] == list(range(1, len(CHANGES) + 2))

    for snap in snapshots:
        assert definition(as_of(db, mapping, snap["updated_at"])) == definition(snap)
    assert as_of(db, mapping, created_before) is None

    db.execute("DELETE FROM fieldmap.field_mappings WHERE id = %s", (mapping,))
    assert as_of(db, mapping, db.execute("SELECT now()").fetchone()[0]) is None
    # history stays readable after deletion, version by version
    with db.cursor(row_factory=dict_row) as cur:
        history = cur.execute("SELECT * FROM fieldmap.mapping_history(%s)", (mapping,)).fetchall()
    assert [h["version"] for h in history] == [1, 2, 3, 4, 5, 6, 7, 7]
    assert [h["action"] for h in history] == ["created", "updated", "updated", "updated", "deprecated", "validated",
                                              "updated", "deleted"]
    assert sorted(history[2]["fields_changed"]) == ["confidence_score"]  # success_rate: an observation
    assert history[-1]["mapping"] is None
    assert history[1]["change_reason"] == "change 0"
    for snap in snapshots:
        assert definition(as_of(db, mapping, snap["updated_at"])) == definition(snap)


def definition(row: dict | None) -> dict | None:
    """A mapping without the observations of its latest validation, which are not versioned."""
    if row is None:
        return None
    return {k: v for k, v in row.items()
            if k not in ("success_rate", "error_count", "last_validated_at", "avg_processing_time_ms")}


def test_history_of_another_mapping_or_nothing_is_empty(db: psycopg.Connection, acme: dict) -> None:
    assert db.execute("SELECT count(*) FROM fieldmap.mapping_history(gen_random_uuid())").fetchone()[0] == 0
