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
    ("split_full_name", "   ", {"part": "first"}, None.__class__),  # blank: no value
    ("to_number", "", None, None.__class__),  # vendors send "" for an empty value
    ("to_timestamp", "  ", None, None.__class__),
    ("to_currency_code", "", None, None.__class__),
    ("to_boolean", "", None, None.__class__),
    ("trim", "   ", None, ""),  # the text transforms keep text
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


# The fast paths apply_mappings compiles (fieldmap._transform_sql) must decide
# every value they decide exactly as the transform does, and leave the rest.
FAST_VALUES = [
    None, True, False, 0, -0.0, 1, -3, 1.5, 80.0, 1e300, 1e-300, 12345678901234567890, 9e18, {"a": 1}, [1],
    "", " a ", "Hello", "\u00a0x\t", "true", "Yes", " ON ", "0", "off", "maybe", "12", "-7", "+3", "007",
    "1,234.5", "1e3", "12.50", "0.0001", "9223372036854775807", "9223372036854775808", "99999999999999999999",
    "usd", " eur ", "EUR", "€", "dollars", "978", "Closed Won", "closed won", "1",
    "2024-03-05", "2024-02-28", "2024-02-29", "2023-02-29", "2024-02-30", "2024-12-31", "2024-13-01", "2024-00-10",
    "2024-03-05T14:22", "2024-03-05T14:22:10", "2024-03-05T14:22:10.5", "2024-03-05T14:22:10.000",
    "2024-03-05T14:22:10.123456", "2024-03-05T14:22:10.1234567", "2024-03-05T14:22:10Z", "2024-03-05T14:22Z",
    "2024-03-05T14:22:10z", "2024-03-05T24:00:00Z", "2024-03-05T23:60:00Z", "2024-03-05T14:22:10+01",
    "2024-03-05T14:22:10+0130", "2024-03-05T14:22:10+01:30", "2024-03-05T14:22:10-05:00", "2024-03-05T14:22+01:00",
    "2024-03-05T14:22:10+16:00", "2024-03-05T14:22:10+15:59", "2024-03-05T14:22:10.000+0000", "2024-03-05 14:22:10",
    "0999-01-01", "1000-01-01T00:00:00+01:00", "9999-12-28T23:59:59-15:00", "03/05/2024", "1709648530",
]
FAST_RULES = [("to_text", None), ("trim", None), ("lowercase", None), ("uppercase", None), ("to_boolean", None),
              ("to_integer", None), ("to_decimal", None), ("to_number", None), ("to_currency_code", None),
              ("map_values", {"values": {"Closed Won": "closed_won", "1": "one", "true": "yes", "x": None}}),
              ("to_date", None), ("to_timestamp", None), ("to_timestamp", {"timezone": "Europe/Berlin"})]


def fast_and_full(db: psycopg.Connection, transform: str, rule: dict | None, values: list) -> list[tuple]:
    rule = {"transform": transform, **(rule or {})}
    fast = db.execute("SELECT fieldmap._transform_sql(%s, %s::jsonb, 'x.v')", (transform, json.dumps(rule))).fetchone()[0]
    assert fast, f"{transform} has no fast path"
    return db.execute(f"""SELECT x.v, {fast}, fieldmap._map_value(x.v, %s::jsonb, NULL)
                            FROM unnest(%s::jsonb[]) AS x(v)""",
                      (json.dumps(rule), [json.dumps(v) for v in values])).fetchall()


@pytest.mark.parametrize(("transform", "rule"), FAST_RULES, ids=[f"{t}-{bool(r)}" for t, r in FAST_RULES])
def test_a_fast_path_decides_what_it_decides_as_the_transform_does(db: psycopg.Connection, transform: str,
                                                                   rule: dict | None) -> None:
    rows = fast_and_full(db, transform, rule, FAST_VALUES)
    wrong = [(v, fast, full) for v, fast, full in rows if fast is not None and full != {"value": fast}]
    assert not wrong, wrong
    assert sum(fast is not None for _, fast, _ in rows) >= 3  # it does take the common values


def test_the_timestamp_fast_path_on_many_generated_values(db: psycopg.Connection) -> None:
    import random
    rnd = random.Random(11)
    values = []
    for _ in range(3000):
        date = f"{rnd.randrange(1899, 2101)}-{rnd.randrange(0, 14):02d}-{rnd.randrange(0, 33):02d}"
        time = f"T{rnd.randrange(0, 25):02d}:{rnd.randrange(0, 61):02d}" + rnd.choice(
            ["", f":{rnd.randrange(0, 61):02d}", f":{rnd.randrange(0, 60):02d}.{rnd.randrange(0, 10**6):0{rnd.randrange(1, 8)}d}"])
        zone = rnd.choice(["", "Z", f"+{rnd.randrange(0, 17):02d}:{rnd.randrange(0, 60):02d}",
                           f"-{rnd.randrange(0, 17):02d}{rnd.randrange(0, 60):02d}", f"+{rnd.randrange(0, 17):02d}"])
        values.append(date + rnd.choice(["", time, time + zone]))
    for transform, rule in (("to_timestamp", None), ("to_timestamp", {"timezone": "America/New_York"}), ("to_date", None)):
        rows = fast_and_full(db, transform, rule, values)
        wrong = [(v, fast, full) for v, fast, full in rows if fast is not None and full != {"value": fast}]
        assert not wrong, wrong[:5]
        assert sum(fast is not None for _, fast, _ in rows) > 1000


def test_transforms_without_a_fast_path_take_the_full_way(db: psycopg.Connection) -> None:
    for transform in ("normalize_email", "normalize_phone", "split_full_name"):
        assert db.execute("SELECT fieldmap._transform_sql(%s, NULL, 'x.v')", (transform,)).fetchone() == (None,)
