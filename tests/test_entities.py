"""`fieldmap entities load`: canonical entities into entity_schemas as JSON
Schema, idempotently, and bad input refused with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from registry import raises_sqlstate
from support import ENTITIES_YAML, fieldmap_cli, plan_changes


def count(db: psycopg.Connection) -> int:
    return db.execute("SELECT count(*) FROM fieldmap.entity_schemas").fetchone()[0]


def test_fixture_loads_as_json_schema(db: psycopg.Connection, db_url: str) -> None:
    out = fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["created"] == 5 and report["unchanged"] == 0
    assert sorted(e["entity"] for e in report["entities"]) == [
        "account", "aws_resources", "contact", "cost_reports", "opportunity"]

    schema = db.execute("""SELECT schema_definition, description, entity_version FROM fieldmap.entity_schemas
                            WHERE entity_name = 'opportunity'""").fetchone()
    definition, description, version = schema
    assert version == "1.0.0"
    assert description == "A sales deal in the pipeline."
    assert definition["type"] == "object" and definition["additionalProperties"] is False
    assert definition["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert sorted(definition["required"]) == ["name", "opportunity_id"]
    props = definition["properties"]
    assert len(props) == 12
    assert props["amount"]["x-fieldmap-type"] == "decimal"
    assert props["close_date"] == {"type": "string", "format": "date-time", "x-fieldmap-type": "datetime"}
    assert props["probability"]["type"] == "number"
    assert props["extras"]["type"] == "object"
    account = db.execute("SELECT schema_definition FROM fieldmap.entity_schemas WHERE entity_name = 'account'"
                         ).fetchone()[0]
    assert account["properties"]["external_ids"] == {"type": "array", "items": {"type": "string"},
                                                     "x-fieldmap-type": "string[]"}


def test_loading_the_same_file_twice_changes_nothing(db: psycopg.Connection, db_url: str) -> None:
    assert fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML)).returncode == 0
    before = db.execute("SELECT id, schema_definition, created_at FROM fieldmap.entity_schemas ORDER BY id").fetchall()
    out = fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML))
    assert out.returncode == 0, out.stderr
    assert "0 created, 5 unchanged" in out.stdout
    after = db.execute("SELECT id, schema_definition, created_at FROM fieldmap.entity_schemas ORDER BY id").fetchall()
    assert after == before


def test_a_new_version_is_loaded_beside_the_old(db: psycopg.Connection, db_url: str) -> None:
    assert fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML)).returncode == 0
    out = fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML), "--version", "1.1.0")
    assert out.returncode == 0, out.stderr
    assert count(db) == 10


GOOD = "account:\n  description: ok\n  fields:\n    account_id: string!\n    name: string\n"

# name -> (file text, what the one-line message must say)
BAD_FILES = {
    "invalid_yaml": ("account: [\n", "invalid YAML"),
    "tabs": ("account:\n\tfields:\n\t\tid: string\n", "tab"),
    "top_level_list": ("- account\n- contact\n", "top level must be a mapping, got a list"),
    "empty": ("", "file is empty"),
    "unknown_type": (GOOD + "contact:\n  fields:\n    email: strng\n", 'field "email": unknown type "strng"'),
    "duplicate_entity": (GOOD + "account:\n  fields:\n    x: string\n", "duplicate key 'account'"),
    "duplicate_field": ("account:\n  fields:\n    name: string\n    name: integer\n", "duplicate key 'name'"),
    "fields_missing": ("account:\n  description: no fields\n", '"fields" must be a non-empty mapping'),
    "fields_not_mapping": ("account:\n  fields: [a, b]\n", '"fields" must be a non-empty mapping'),
    "bad_entity_name": (GOOD + "Bad-Name:\n  fields:\n    x: string\n", 'entity name "Bad-Name" is invalid'),
    "bad_field_name": ("account:\n  fields:\n    \"a; drop table x\": string\n", "is invalid"),
    "unknown_key": ("account:\n  fields:\n    x: string\n  owner: me\n", 'unknown key "owner"'),
    "type_not_text": ("account:\n  fields:\n    x: 3\n", 'type must be text'),
    "double_bang": ("account:\n  fields:\n    x: string!!\n", 'unknown type "string!!"'),
    "binary": ("\udcff".encode("utf-8", "surrogateescape").decode("latin-1"), "not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_gives_one_clear_line_and_writes_nothing(db: psycopg.Connection, db_url: str, tmp_path: Path,
                                                          case: str) -> None:
    text, message = BAD_FILES[case]
    path = tmp_path / f"{case}.yaml"
    if case == "binary":
        path.write_bytes(b"account:\n  fields:\n    x: \xff\xfe\n")
    else:
        path.write_text(text, encoding="utf-8")
    out = fieldmap_cli(db_url, "entities", "load", str(path))
    assert out.returncode == 1, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert str(path) in lines[0] and message in lines[0], lines[0]
    assert count(db) == 0  # nothing half-written, not even the good entity before the bad one


def test_missing_file(db_url: str, tmp_path: Path) -> None:
    out = fieldmap_cli(db_url, "entities", "load", str(tmp_path / "nope.yaml"))
    assert out.returncode == 1
    assert out.stderr.strip() == f"fieldmap: error: {tmp_path / 'nope.yaml'}: no such file"


def test_changing_a_released_version_is_refused(db: psycopg.Connection, db_url: str, tmp_path: Path) -> None:
    first = tmp_path / "v1.yaml"
    first.write_text(GOOD)
    assert fieldmap_cli(db_url, "entities", "load", str(first)).returncode == 0
    changed = tmp_path / "v1-changed.yaml"
    changed.write_text(GOOD.replace("name: string", "name: string!"))
    out = fieldmap_cli(db_url, "entities", "load", str(changed))
    assert out.returncode == 1
    assert 'entity "account" version 1.0.0 already exists with a different definition' in out.stderr
    assert db.execute("SELECT schema_definition->'required' FROM fieldmap.entity_schemas").fetchone()[0] == [
        "account_id"]


def test_database_refuses_duplicate_keys_from_any_client(db: psycopg.Connection) -> None:
    with raises_sqlstate("MR001", 'entity "a" is defined more than once'):
        db.execute("""SELECT * FROM fieldmap.load_entities(
                        '{"a": {"fields": {"x": "string"}}, "a": {"fields": {"y": "string"}}}')""")
    with raises_sqlstate("MR001", 'field "x" is defined more than once'):
        db.execute("""SELECT * FROM fieldmap.load_entities('{"a": {"fields": {"x": "string", "x": "integer"}}}')""")
    with raises_sqlstate("MR001", "not MAJOR.MINOR.PATCH"):
        db.execute("""SELECT * FROM fieldmap.load_entities('{"a": {"fields": {"x": "string"}}}', 'latest')""")
    assert count(db) == 0


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(GOOD)
    out = fieldmap_cli("postgresql:///nowhere?host=/nonexistent&port=1", "entities", "load", str(path))
    assert out.returncode == 3
    assert len(out.stderr.strip().splitlines()) == 1 and "cannot connect to database nowhere" in out.stderr
    assert "make db-start" not in out.stderr  # the hint is for the local cluster only


def test_status_reports_changes_tables_and_extensions(db: psycopg.Connection, db_url: str) -> None:
    fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML))
    out = fieldmap_cli(db_url, "status", "--json")
    assert out.returncode == 0, out.stderr
    st = json.loads(out.stdout)
    assert st["last_change"] == plan_changes()[-1]
    assert {t["name"]: t["rows"] for t in st["tables"]}["entity_schemas"] == 5
    assert set(st["extensions"]) >= {"vector", "pg_trgm"}
    text = fieldmap_cli(db_url, "status")
    assert "entity_schemas" in text.stdout and "vector" in text.stdout
