"""The transform library: every transform on good, edge and bad values (an
error names the transform and the value), and the database refusing, at
write time, an unknown transform or a rule its transform cannot read."""

from __future__ import annotations

import json

import psycopg
import pytest
from registry import make_mapping, raises_sqlstate

# (transform, value, rule, result) ; result None means: an error naming transform and value
CASES: list[tuple[str, object, dict | None, object]] = [
    ("trim", "  Acme \t", None, "Acme"),
    ("trim", "", None, ""),
    ("trim", 12, None, None),
    ("lowercase", "ÄCME Corp", None, "äcme corp"),
    ("lowercase", True, None, None),
    ("uppercase", "acme corp", None, "ACME CORP"),
    ("uppercase", ["a"], None, None),
    ("to_integer", "1,234", None, 1234),
    ("to_integer", " -42 ", None, -42),
    ("to_integer", "12.0", None, 12),
    ("to_integer", 7, None, 7),
    ("to_integer", "12.5", None, None),
    ("to_integer", "12abc", None, None),
    ("to_integer", "99999999999999999999", None, None),
    ("to_decimal", "1000.50", None, "1000.50"),
    ("to_decimal", "1,234,567.891", None, "1234567.891"),
    ("to_decimal", 0.1, None, "0.1"),
    ("to_decimal", "1e3", None, "1000"),
    ("to_decimal", "NaN", None, None),
    ("to_decimal", "1.2.3", None, None),
    ("to_number", " 3.5 ", None, 3.5),
    ("to_number", "-.5", None, -0.5),
    ("to_number", "Infinity", None, None),
    ("to_number", "1e9999", None, None),
    ("to_boolean", "Yes", None, True),
    ("to_boolean", "OFF", None, False),
    ("to_boolean", "1", None, True),
    ("to_boolean", 0, None, False),
    ("to_boolean", "TRUE", None, True),
    ("to_boolean", "no", None, False),
    ("to_boolean", "maybe", None, None),
    ("to_boolean", 2, None, None),
    ("to_timestamp", "2024-03-05T14:22:10.000+0000", None, "2024-03-05T14:22:10Z"),
    ("to_timestamp", "2024-03-05T14:22:10.123Z", None, "2024-03-05T14:22:10.123Z"),
    ("to_timestamp", "2024-03-05T14:22:10+05:30", None, "2024-03-05T08:52:10Z"),
    ("to_timestamp", "2024-03-05T10:00+01", None, "2024-03-05T09:00:00Z"),
    ("to_timestamp", "2024-03-05 14:22:10", None, "2024-03-05T14:22:10Z"),
    ("to_timestamp", "2024-03-05 14:22:10", {"timezone": "Europe/Berlin"}, "2024-03-05T13:22:10Z"),
    ("to_timestamp", "2024-03-05", None, "2024-03-05T00:00:00Z"),
    ("to_timestamp", 1709648530, None, "2024-03-05T14:22:10Z"),
    ("to_timestamp", 1709648530123, None, "2024-03-05T14:22:10.123Z"),
    ("to_timestamp", "1709648530", None, "2024-03-05T14:22:10Z"),
    ("to_timestamp", "3/5/2024 2:22 PM", None, "2024-03-05T14:22:00Z"),
    ("to_timestamp", "03/05/2024", {"date_order": "DMY"}, "2024-05-03T00:00:00Z"),
    ("to_timestamp", "05.03.2024 14:22", None, "2024-03-05T14:22:00Z"),
    ("to_timestamp", "31.12.99", None, "1999-12-31T00:00:00Z"),
    ("to_timestamp", "1/2/24", None, "2024-01-02T00:00:00Z"),
    ("to_timestamp", "13/02/2024", None, None),  # month first by default: no month 13
    ("to_timestamp", "2024-02-30", None, None),
    ("to_timestamp", "2024-03-05T24:00", None, None),
    ("to_timestamp", "next tuesday", None, None),
    ("to_timestamp", True, None, None),
    ("to_timestamp", "13:00 PM 1/1/2024", None, None),
    ("to_date", "2024-03-05T23:30:00-05:00", None, "2024-03-05"),
    ("to_date", "12/31/2024", None, "2024-12-31"),
    ("to_date", 1709648530, None, "2024-03-05"),
    ("to_date", "2023-02-29", None, None),
    ("to_currency_code", "eur", None, "EUR"),
    ("to_currency_code", "US Dollar", None, "USD"),
    ("to_currency_code", "€", None, "EUR"),
    ("to_currency_code", "CHF", None, "CHF"),
    ("to_currency_code", "$", None, None),
    ("to_currency_code", "XYZ", None, None),
    ("normalize_email", " Ann.Example@Example.COM ", None, "ann.example@example.com"),
    ("normalize_email", "ann@localhost", None, None),
    ("normalize_email", "not an address", None, None),
    ("normalize_phone", "+49 30 1234567", None, "+49301234567"),
    ("normalize_phone", "0049 (30) 123-4567", None, "+49301234567"),
    ("normalize_phone", "030 1234567", {"country": "DE"}, "+49301234567"),
    ("normalize_phone", "(555) 123-4567", {"country": "US"}, "+15551234567"),
    ("normalize_phone", "1-555-123-4567", {"country": "us"}, "+15551234567"),
    ("normalize_phone", "06 1234 5678", {"country": "IT"}, "+390612345678"),
    ("normalize_phone", "(555) 123-4567", None, None),
    ("normalize_phone", "+1 555 123 4567 x12", None, None),
    ("normalize_phone", "call me", None, None),
    ("normalize_phone", "+12", None, None),
    ("split_full_name", "Jane Q. Doe", {"part": "first"}, "Jane Q."),
    ("split_full_name", "Jane Q. Doe", {"part": "last"}, "Doe"),
    ("split_full_name", "Doe, Jane", {"part": "first"}, "Jane"),
    ("split_full_name", "Doe, Jane", {"part": "last"}, "Doe"),
    ("split_full_name", "Ludwig van Beethoven", {"part": "last"}, "van Beethoven"),
    ("split_full_name", "Martin Luther King Jr.", {"part": "last"}, "King Jr."),
    ("split_full_name", "Cher", {"part": "first"}, "Cher"),
    ("split_full_name", "Cher", {"part": "last"}, None.__class__),  # JSON null: no last name
    ("split_full_name", "   ", {"part": "first"}, None),
    ("map_values", "closedwon", {"values": {"closedwon": "closed_won", "appointmentscheduled": "prospecting"}},
     "closed_won"),
    ("map_values", " ClosedWon ", {"values": {"closedwon": "closed_won"}}, "closed_won"),
    ("map_values", 3, {"values": {"3": "hot", "1": "cold"}}, "hot"),
    ("map_values", "other", {"values": {"closedwon": "closed_won"}, "default": "open"}, "open"),
    ("map_values", "other", {"values": {"closedwon": "closed_won"}}, None),
    ("map_values", {"a": 1}, {"values": {"a": "b"}}, None),
]


@pytest.mark.parametrize(("transform", "value", "rule", "expected"), CASES,
                         ids=[f"{t}:{json.dumps(v)}" for t, v, _, _ in CASES])
def test_a_transform_on_good_edge_and_bad_values(db: psycopg.Connection, transform: str, value: object,
                                                 rule: dict | None, expected: object) -> None:
    out = db.execute("SELECT fieldmap.try_transform(%s, %s::jsonb, %s::jsonb)",
                     (transform, json.dumps(value), json.dumps(rule) if rule else None)).fetchone()[0]
    if expected is None:
        assert set(out) == {"error"}, out
        assert out["error"].startswith(f"{transform}: {json.dumps(value, ensure_ascii=False)[:20]}"), out
        with raises_sqlstate("MR001", transform):
            db.execute("SELECT fieldmap.transform(%s, %s::jsonb, %s::jsonb)",
                       (transform, json.dumps(value), json.dumps(rule) if rule else None))
    elif expected is type(None):
        assert out == {"value": None}
    else:
        assert out == {"value": expected}, out
        assert db.execute("SELECT fieldmap.transform(%s, %s::jsonb, %s::jsonb)",
                          (transform, json.dumps(value), json.dumps(rule) if rule else None)).fetchone()[0] == expected


def test_json_null_passes_through_every_transform(db: psycopg.Connection) -> None:
    rows = db.execute("""SELECT t.name, fieldmap.try_transform(t.name, 'null'::jsonb,
                                CASE t.name WHEN 'map_values' THEN '{"values": {"a": "b"}}'
                                            WHEN 'split_full_name' THEN '{"part": "first"}' END::jsonb)
                           FROM fieldmap.transforms t""").fetchall()
    assert len(rows) == 15 and all(out == {"value": None} for _, out in rows), rows


BAD_RULES = [
    ({"transform": "upprecase"}, None, 'unknown transform "upprecase" (did you mean "uppercase"?)'),
    ({"transform": "lowercase", "values": {}}, None, "transform lowercase reads no \"values\" (it takes no rule)"),
    ({"transform": "map_values"}, None, 'transform map_values needs "values"'),
    ({"transform": "map_values", "values": {"a": {"nested": 1}}}, None, "values must be a non-empty object"),
    ({"transform": "map_values", "values": {}}, None, "values must be a non-empty object"),
    ({"transform": "to_timestamp", "date_order": "YMD"}, None, "date_order must be"),
    ({"transform": "to_timestamp", "timezone": "Mars/Olympus"}, None, "is not a time zone name"),
    ({"transform": "normalize_phone", "country": "XX"}, None, "is not an ISO 3166 country code"),
    ({"transform": "split_full_name", "part": "middle"}, None, 'part must be "first" or "last"'),
    (["not", "an", "object"], None, "must be a JSON object naming its transform"),
    (None, "map_values", "coercion_function cannot be map_values"),
    (None, "lowercse", 'unknown coercion_function "lowercse" (did you mean "lowercase"?)'),
]


@pytest.mark.parametrize(("rule", "coercion", "problem"), BAD_RULES, ids=[p[:30] for _, _, p in BAD_RULES])
def test_the_database_refuses_a_transform_it_cannot_apply(db: psycopg.Connection, acme: dict, rule: object,
                                                         coercion: str | None, problem: str) -> None:
    assert problem in db.execute("SELECT fieldmap.transform_rule_problem(%s::jsonb, %s)",
                                 (json.dumps(rule) if rule is not None else None, coercion)).fetchone()[0]
    with raises_sqlstate("MR001", "mapping Account.Id -> account.account_id: "):
        make_mapping(db, acme["tenant"], acme["connector"], acme["entity"],
                     transformation_rule=json.dumps(rule) if rule is not None else None, coercion_function=coercion)
    mapping = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"])
    with raises_sqlstate("MR001", problem.split(" (")[0]):  # and on update
        db.execute("UPDATE fieldmap.field_mappings SET transformation_rule = %s::jsonb, coercion_function = %s"
                   " WHERE id = %s", (json.dumps(rule) if rule is not None else None, coercion, mapping))


def test_a_good_rule_is_stored_and_an_update_leaving_it_alone_is_not_checked(db: psycopg.Connection,
                                                                              acme: dict) -> None:
    mapping = make_mapping(db, acme["tenant"], acme["connector"], acme["entity"],
                           transformation_rule='{"transform": "map_values", "values": {"a": "b"}}',
                           coercion_function="uppercase")
    db.execute("ALTER TABLE fieldmap.field_mappings DISABLE TRIGGER _20_check_transform")
    db.execute("UPDATE fieldmap.field_mappings SET transformation_rule = '{\"transform\": \"nope\"}' WHERE id = %s",
               (mapping,))
    db.execute("ALTER TABLE fieldmap.field_mappings ENABLE TRIGGER _20_check_transform")
    # the trigger fires on its columns only: other updates pass (and cost nothing)
    db.execute("UPDATE fieldmap.field_mappings SET notes = 'n' WHERE id = %s", (mapping,))
    with raises_sqlstate("MR001", 'unknown transform "nope"'):
        db.execute("UPDATE fieldmap.field_mappings SET coercion_function = 'trim' WHERE id = %s", (mapping,))
