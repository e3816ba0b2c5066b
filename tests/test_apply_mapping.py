"""apply_mapping: the canonical record of a source record, the reference
semantics of a mapping. The 8 legacy connectors on realistic vendor records
(tests/fixtures/samples, canonical outputs worked out by hand), and every
rule on its own: transforms, dotted paths, extras, per-field errors."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
import yaml
from registry import raises_sqlstate
from support import ENTITIES_YAML, LEGACY

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"


@pytest.fixture
def legacy(db: psycopg.Connection) -> psycopg.Connection:
    """The canonical entities and the 8 legacy files in tenant demo (session context)."""
    db.execute("SELECT * FROM fieldmap.load_entities(%s::json)", (json.dumps(yaml.safe_load(ENTITIES_YAML.read_text())),))
    db.execute("SELECT fieldmap.create_tenant('demo')")
    db.execute("SELECT fieldmap.set_context('demo', for_session => true)")
    for path in sorted(LEGACY.glob("*.yaml")):
        report = db.execute("SELECT fieldmap.import_mappings(%s, %s::jsonb)",
                            (path.stem, json.dumps(yaml.safe_load(path.read_text())))).fetchone()[0]
        assert report["applied"]
    return db


def sample_cases() -> list[tuple[str, str, int]]:
    return [(p.stem, entity, i) for p in sorted(SAMPLES.glob("*.yaml"))
            for entity, records in yaml.safe_load(p.read_text()).items() for i in range(len(records))]


@pytest.mark.parametrize(("connector", "entity", "index"), sample_cases(),
                         ids=[f"{c}-{e}-{i}" for c, e, i in sample_cases()])
def test_every_legacy_connector_maps_its_sample_records_as_worked_out_by_hand(legacy: psycopg.Connection,
                                                                              connector: str, entity: str,
                                                                              index: int) -> None:
    case = yaml.safe_load((SAMPLES / f"{connector}.yaml").read_text())[entity][index]
    out = legacy.execute("SELECT fieldmap.apply_mapping(%s, %s, %s::jsonb)",
                         (connector, entity, json.dumps(case["source"]))).fetchone()[0]
    assert out == case["canonical"]


def test_the_samples_cover_every_legacy_connector_and_entity() -> None:
    for path in LEGACY.glob("*.yaml"):
        assert set(yaml.safe_load((SAMPLES / path.name).read_text())) == set(yaml.safe_load(path.read_text()))


def test_the_bulk_form_gives_the_same_records_in_order(legacy: psycopg.Connection) -> None:
    cases = yaml.safe_load((SAMPLES / "hubspot.yaml").read_text())["opportunity"]
    # an array, a string, a number and JSON null among the objects (a scalar once failed the whole call)
    odd = ['[1, 2]', '"Amount"', '7', 'null']
    records = [json.dumps(c["source"]) for c in cases] + odd + [json.dumps(cases[0]["source"])]
    rows = legacy.execute("SELECT ord, canonical FROM fieldmap.apply_mappings('hubspot', 'opportunity', %s::jsonb[])",
                          (records,)).fetchall()
    assert [r[0] for r in rows] == list(range(1, len(records) + 1))
    assert [r[1] for r in rows[:len(cases)]] == [c["canonical"] for c in cases]
    assert [r[1] for r in rows[len(cases):-1]] == [
        {"_errors": [{"error": f"record {len(cases) + 1 + i} is not a JSON object but {kind}"}]}
        for i, kind in enumerate(["array", "string", "number", "null"])]
    assert rows[-1][1] == cases[0]["canonical"]


RULES_DOC = {"opportunity": {"fields": {
    "opportunity_id": "Id",
    "name": {"source": "Name", "transform": "trim"},
    "stage": {"source": "StageName", "transform": "map_values",
              "values": {"Closed Won": "closed_won", "Prospecting": "prospecting"}},
    "amount": {"source": "Amount", "transform": "to_decimal"},
    "close_date": {"source": "CloseDate", "transform": "to_timestamp", "date_order": "DMY"},
    "probability": {"source": "Probability", "transform": "to_number"},
    "account_id": "Account.Id",
    "owner_id": "owner.id",
    "extras.region": "Region__c",
}}}


def apply(db: psycopg.Connection, record: object) -> dict:
    return db.execute("SELECT fieldmap.apply_mapping('crm', 'opportunity', %s::jsonb)", (json.dumps(record),)).fetchone()[0]


@pytest.fixture
def crm(legacy: psycopg.Connection) -> psycopg.Connection:
    assert legacy.execute("SELECT fieldmap.import_mappings('crm', %s::jsonb)", (json.dumps(RULES_DOC),)).fetchone()[0][
        "applied"]
    return legacy


def test_transforms_dotted_paths_and_extras(crm: psycopg.Connection) -> None:
    out = apply(crm, {"Id": "006A", "Name": "  Big deal ", "StageName": "Closed Won", "Amount": "12,500.00",
                      "CloseDate": "05.03.2024", "Probability": "90", "Account.Id": "001A",
                      "owner": {"id": "005X", "email": "o@x.test"}, "Region__c": "EMEA", "IsDeleted": False})
    assert out == {"opportunity_id": "006A", "name": "Big deal", "stage": "closed_won", "amount": "12500.00",
                   "close_date": "2024-03-05T00:00:00Z", "probability": 90, "account_id": "001A", "owner_id": "005X",
                   "extras": {"region": "EMEA", "IsDeleted": False}}


def test_one_bad_value_never_hides_the_others(crm: psycopg.Connection) -> None:
    out = apply(crm, {"Id": "006B", "StageName": "Negotiation", "Amount": "lots", "CloseDate": "31/31/2024",
                      "Probability": None})
    assert out["opportunity_id"] == "006B" and out["probability"] is None
    assert {"stage", "amount", "close_date"}.isdisjoint(out)
    errors = {e["field"]: e for e in out["_errors"]}
    assert set(errors) == {"stage", "amount", "close_date"}
    assert errors["amount"] == {"field": "amount", "source": "Amount", "value": "lots",
                                "error": 'to_decimal: "lots" is not a number'}
    assert errors["stage"]["error"].startswith('map_values: "Negotiation" is not one of the values mapped')
    assert "close_date" in errors and "extras" not in out


def test_a_missing_source_field_is_left_out_and_null_stays_null(crm: psycopg.Connection) -> None:
    assert apply(crm, {"Id": "006C", "Name": None}) == {"opportunity_id": "006C", "name": None}


def test_more_fields_than_one_jsonb_build_object_takes(legacy: psycopg.Connection) -> None:
    doc = {"account": {"fields": {f"extras.f{i}": f"src_{i}" for i in range(120)}}}
    legacy.execute("SELECT fieldmap.import_mappings('wide', %s::jsonb)", (json.dumps(doc),))
    out = legacy.execute("SELECT fieldmap.apply_mapping('wide', 'account', %s::jsonb)",
                         (json.dumps({f"src_{i}": i for i in range(120)}),)).fetchone()[0]
    assert out == {"extras": {f"f{i}": i for i in range(120)}}


def test_names_that_need_quoting_are_data_not_sql(legacy: psycopg.Connection) -> None:
    nasty = ["it's", "a\"b", "x'); DROP TABLE fieldmap.tenants; --", "%s", "{a,b}"]
    doc = {"account": {"fields": {f"extras.n{i}": s for i, s in enumerate(nasty)}}}
    legacy.execute("SELECT fieldmap.import_mappings('nasty', %s::jsonb)", (json.dumps(doc),))
    out = legacy.execute("SELECT fieldmap.apply_mapping('nasty', 'account', %s::jsonb)",
                         (json.dumps({s: i for i, s in enumerate(nasty)}),)).fetchone()[0]
    assert out == {"extras": {f"n{i}": i for i in range(len(nasty))}}
    assert legacy.execute("SELECT count(*) FROM fieldmap.tenants").fetchone()[0] == 2


@pytest.mark.parametrize(("call", "code", "message"), [
    ("SELECT fieldmap.apply_mapping('hubspot', 'account', '[1]')", "MR001", "must be a JSON object, not array"),
    ("SELECT fieldmap.apply_mapping('hubspot', 'account', NULL)", "MR001", "must be a JSON object, not NULL"),
    ("SELECT fieldmap.apply_mapping('hubspot', 'acount', '{}')", "MR001", 'did you mean "account"'),
    ("SELECT fieldmap.apply_mapping('nope', 'account', '{}')", "MR004", 'unknown connector "nope"'),
    ("SELECT fieldmap.apply_mapping('zendesk', 'account', '{}')", "MR004", 'maps no field of entity "account"'),
])
def test_bad_calls_are_one_clear_error(legacy: psycopg.Connection, call: str, code: str, message: str) -> None:
    with raises_sqlstate(code, message):
        legacy.execute(call)


def test_another_tenants_mappings_are_never_applied(legacy: psycopg.Connection) -> None:
    legacy.execute("SELECT fieldmap.create_tenant('other')")
    legacy.execute("SELECT fieldmap.set_context('other', for_session => true)")
    with raises_sqlstate("MR004", 'unknown connector "hubspot"'):
        legacy.execute("SELECT fieldmap.apply_mapping('hubspot', 'account', '{}')")
