"""Hostile input, generated (hypothesis): random and adversarial values fed
to the SQL API and to the glue's file reader. Every call ends in success or
in a documented error (fieldmap's MR codes, or one of PostgreSQL's input
codes listed in the README), never an internal error, and a call that fails
writes nothing. The cases per function default to 2,000
(FIELDMAP_HYPOTHESIS_CASES); each runs as a writer of the tenant (row-level
security in force) in a transaction rolled back afterwards, so every case
starts from the same registry."""

from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.string import TextLoader
from registry import ensure_test_roles, set_context
from support import documented_codes

CASES = int(os.environ.get("FIELDMAP_HYPOTHESIS_CASES", "2000"))
SETTINGS = settings(max_examples=CASES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


DOCUMENTED = documented_codes()

# Text that has broken SQL builders, format strings, JSON paths and shells.
NASTY = ["'; DROP TABLE fieldmap.field_mappings; --", "') OR ('1'='1", "%s", "%I %L %1$s", "$1", "$$", "$f$",
         "\\", "\\x00", "{}", "[]", "null", "NaN", "-Infinity", "1e400", "..", "a.b.c", "extras.", "extras.x.y",
         "../../etc/passwd", "\u202e", "\ufeff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "", " ", "\t\n", "A" * 10_000, "ÄÖÜ", "0", "-1",
         "account", "account.name", "salesforce", "Account.Name", "Name", "pg_temp.x", "public.vector",
         "00000000-0000-0000-0000-000000000000"]
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=60),
                  st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
numbers = st.one_of(st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0, -0.0, 1e308, 5e-324]))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, texts),
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(texts, children, max_size=5)),
    max_leaves=30)


def deep(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


# What reaches the server as JSON text: valid JSON of any shape, valid JSON
# nested deeper than the server's stack, or text that is no JSON at all.
json_texts = st.one_of(
    json_values.map(lambda v: json.dumps(v, ensure_ascii=False)),
    st.builds(deep, st.integers(min_value=1, max_value=20_000), st.sampled_from(["list", "dict"])),
    texts)

# import documents shaped like real ones, with hostile parts
entity_names = st.one_of(st.sampled_from(["account", "Account", "contact", "extras", ""]), texts)
field_entries = st.dictionaries(texts, st.one_of(
    texts, json_values, st.fixed_dictionaries({"source": texts}, optional={"transform": texts, "confidence": numbers,
                                                                          "source_table": texts, "rule": json_values})),
    max_size=4)
documents = st.one_of(
    st.dictionaries(entity_names, st.fixed_dictionaries({"fields": field_entries},
                                                        optional={"description": texts, "source_table": texts}),
                    max_size=3).map(lambda d: json.dumps(d, ensure_ascii=False)),
    json_texts)

uuid_texts = st.one_of(st.uuids().map(str), texts)


@pytest.fixture
def registry(db: psycopg.Connection) -> dict:
    """Tenant acme with salesforce mappings (one transformed), samples, and a vector.
    Results of type jsonb stay text: Python's JSON decoder recurses, and a
    record nested 2,000 deep is valid input the server handles."""
    db.adapters.register_loader("jsonb", TextLoader)
    db.execute("""SELECT * FROM fieldmap.load_entities('{"account": {"fields": {"account_id": "string!",
                    "name": "string", "revenue": "decimal", "created": "datetime"}}}')""")
    db.execute("SELECT fieldmap.create_tenant('acme')")
    set_context(db, "acme")
    db.execute("""SELECT fieldmap.import_mappings('salesforce', '{"account": {"source_table": "Account", "fields":
                    {"account_id": "Id", "name": {"source": "Name", "transform": "trim"},
                     "revenue": {"source": "AnnualRevenue", "transform": "to_decimal"},
                     "created": {"source": "CreatedDate", "transform": "to_timestamp"}}}}')""")
    mapping = db.execute("SELECT id FROM fieldmap.field_mappings WHERE source_field = 'Name'").fetchone()[0]
    db.execute("""INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text,
                                                          embedding_vector, embedding_model)
                  SELECT tenant_id, id, 'name', array_fill(0.05, ARRAY[384])::vector,
                         'sentence-transformers/all-MiniLM-L6-v2' FROM fieldmap.field_mappings""")
    ensure_test_roles(db)
    db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) SELECT id, 'fm_test_writer_a' "
               "FROM fieldmap.tenants WHERE slug = 'acme'")
    return {"mapping": str(mapping)}


COUNTED = ["field_mappings", "audit_log", "mapping_validation_results", "mapping_embeddings", "connector_definitions"]


def _counts(db: psycopg.Connection) -> tuple:
    return db.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM fieldmap.{t})" for t in COUNTED)).fetchone()


def attempt(db: psycopg.Connection, statement: str, params: tuple) -> None:
    """Run one call in a transaction rolled back afterwards: success, or a
    documented error after which nothing was written."""
    with db.transaction(force_rollback=True):
        before = _counts(db)
        try:
            with db.transaction():
                db.execute("SET LOCAL ROLE fm_test_writer_a")
                db.execute(statement, params).fetchall()
        except psycopg.DataError as exc:
            if exc.sqlstate is None:  # psycopg refused to send it (a NUL character in a text parameter)
                assert "NUL" in str(exc), exc
                return
            assert exc.sqlstate in DOCUMENTED, f"{exc.sqlstate} {exc}"
        except psycopg.Error as exc:
            assert exc.sqlstate in DOCUMENTED, f"{exc.sqlstate}: {exc}"
        else:
            return
        assert _counts(db) == before, "a failed call wrote something"


@SETTINGS
@given(connector=texts, doc=documents, dry_run=st.booleans(), mode=st.sampled_from(["merge", "replace", "x", None]))
def test_import_mappings(db: psycopg.Connection, registry: dict, connector: str, doc: str, dry_run: bool,
                         mode: str | None) -> None:
    attempt(db, "SELECT fieldmap.import_mappings(%s, %s::jsonb, mode => %s, dry_run => %s)",
            (connector, doc, mode, dry_run))


@SETTINGS
@given(connector=st.one_of(st.just("salesforce"), texts), entity=st.one_of(st.just("account"), texts),
       record=st.one_of(st.dictionaries(st.sampled_from(["Id", "Name", "AnnualRevenue", "CreatedDate", "Other"]),
                                        json_values).map(json.dumps), json_texts))
def test_apply_mapping(db: psycopg.Connection, registry: dict, connector: str, entity: str, record: str) -> None:
    attempt(db, "SELECT fieldmap.apply_mapping(%s, %s, %s::jsonb)", (connector, entity, record))


@SETTINGS
@given(which=st.one_of(st.just(None), uuid_texts),
       samples=st.one_of(st.none(), st.lists(st.dictionaries(st.sampled_from(["Id", "Name", "x"]), json_values),
                                             max_size=4).map(json.dumps), json_texts))
def test_validate_mapping(db: psycopg.Connection, registry: dict, which: str | None, samples: str | None) -> None:
    attempt(db, "SELECT * FROM fieldmap.validate_mapping(%s::uuid, %s::jsonb)", (which or registry["mapping"], samples))


vector_texts = st.one_of(
    st.lists(st.floats(width=32), min_size=384, max_size=384).map(lambda v: "[" + ",".join(map(str, v)) + "]"),
    st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), min_size=0, max_size=20)
      .map(lambda v: "[" + ",".join(map(str, v)) + "]"),
    st.sampled_from(["[" + ",".join(["0"] * 384) + "]", "[" + ",".join(["1e38"] * 384) + "]", "[NaN]", "[]", "[1,2"]),
    texts)
filters = st.one_of(
    st.fixed_dictionaries({}, optional={"connector": json_values, "entity": json_values, "status": json_values,
                                        "min_confidence": json_values, "model": json_values}).map(json.dumps),
    json_texts)


@SETTINGS
@given(query=vector_texts, k=st.integers(min_value=-(2 ** 31), max_value=2 ** 31 - 1), filters=filters)
def test_search_similar(db: psycopg.Connection, registry: dict, query: str, k: int, filters: str) -> None:
    attempt(db, "SELECT * FROM fieldmap.search_similar(%s::vector, %s::integer, %s::jsonb)", (query, k, filters))


@SETTINGS
@given(tenant=st.one_of(st.just("acme"), texts), actor=st.one_of(st.none(), uuid_texts),
       reason=st.one_of(st.none(), texts), trace=st.one_of(st.none(), texts))
def test_set_context(db: psycopg.Connection, registry: dict, tenant: str, actor: str | None, reason: str | None,
                     trace: str | None) -> None:
    attempt(db, "SELECT fieldmap.set_context(%s, %s::uuid, %s, %s)", (tenant, actor, reason, trace))


# -- the file side: what `fieldmap import` and `entities load` read -------------

yaml_like = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(["a:", " b: c", "- x", "&a [1]", "*a", "!!python/object:os.system", "? [k]", ": v",
                              "\t", "'", '"', "{", "}", "[", "]", "2024-01-01: d", ".nan", ".inf", "~", "<<: *a",
                              "\xff", "\x00", "\n"]), max_size=30).map(lambda parts: "".join(parts).encode("utf-8")))


@settings(max_examples=CASES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=yaml_like)
def test_any_file_is_read_or_refused_with_a_message(tmp_path: Path, content: bytes) -> None:
    from fieldmap.errors import InputError
    from fieldmap.yamlio import load_yaml_mapping, to_json

    path = tmp_path / "crm.yaml"
    path.write_bytes(content)
    try:
        doc = load_yaml_mapping(path)
    except InputError as exc:
        assert str(path) in (exc.where or "") and str(exc)
        return
    text = to_json(doc)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))  # what the server will read


@pytest.mark.parametrize("content, problem", [
    (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    (b"account:\n  fields:\n    2024-01-01: x\n", "key 2024-01-01 at account.fields is not text"),
    (b"account:\n  fields:\n    yes: Yes__c\n", "key true (or yes/no, on/off) at account.fields is not text"),
    (b"a: .nan\n", "a: nan is not a number JSON can carry"),
    (b"a: [1, -.inf]\n", "a[1]: -inf is not a number JSON can carry"),
    (b"account:\n  fields:\n    name: \"deal\\0name\"\n", "account.fields.name: a NUL character is not allowed"),
    (b"account:\n  fields:\n    name: !!binary aGVsbG8=\n", "account.fields.name: a binary value"),
    (b"account:\n  fields: !!set {a, b}\n", "account.fields: a set value"),
    (b"account:\n  fields:\n    ~: Name\n", "key ~ (null) at account.fields is not text"),
    (b"base: &b {name: Name}\naccount:\n  fields:\n    <<: *b\n", "merge keys (<<) are not supported"),
    (b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     b"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n", "aliases"),
])
def test_files_found_hostile(tmp_path: Path, content: bytes, problem: str) -> None:
    """Regressions of what the generated cases found: deep nesting, keys and
    values JSON cannot carry, and alias bombs (eight levels of nine: 387
    million strings once expanded). Each is refused naming the file and
    where in it."""
    from fieldmap.errors import InputError
    from fieldmap.yamlio import load_yaml_mapping

    path = tmp_path / "crm.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_yaml_mapping(path)
    assert problem in str(exc.value) and exc.value.where == str(path), exc.value


@pytest.mark.parametrize(("name", "candidates", "meant"), [
    ("epr", ["crm", "erp"], "erp"), ("ab", ["ba"], "ba"), ("emial", ["email", "phone"], "email"),
    ("hubspt", ["hubspot"], "hubspot"), ("Epr", ["erp"], "erp"), ("pre", ["erp"], None), ("zzz", ["erp"], None),
])
def test_a_swap_of_two_neighbouring_letters_is_one_slip(db: psycopg.Connection, name: str, candidates: list,
                                                         meant: str | None) -> None:
    # "epr" for the connector "erp" got no "did you mean": a short name is
    # allowed one edit, and Levenshtein counts a swap as two
    assert db.execute("SELECT fieldmap.closest_name(%s, %s)", (name, candidates)).fetchone()[0] == meant


def test_a_name_longer_than_levenshtein_takes_gets_no_suggestion(db: psycopg.Connection, registry: dict) -> None:
    """Found by the generated cases: an unknown entity of 300 characters made
    the "did you mean" lookup fail inside levenshtein (22023) instead of
    reporting the unknown entity."""
    assert db.execute("SELECT fieldmap.closest_name(repeat('a', 300), ARRAY['account', repeat('a', 299)])"
                      ).fetchone() == (None,)
    with pytest.raises(psycopg.Error) as exc:
        db.execute("SELECT fieldmap.apply_mapping('salesforce', repeat('A', 300), '{}')")
    assert exc.value.sqlstate == "MR001"


def _through_a_file(d: Path) -> Path:
    (d / "f.yaml").write_text("a: b\n")
    return d / "f.yaml" / "x.yaml"


def _symlink_loop(d: Path) -> Path:
    (d / "l1.yaml").symlink_to(d / "l2.yaml")
    (d / "l2.yaml").symlink_to(d / "l1.yaml")
    return d / "l1.yaml"


@pytest.mark.parametrize("make_path, problem", [
    (_through_a_file, "Not a directory"),
    (_symlink_loop, "symbolic links"),
    (lambda d: d / ("n" * 300 + ".yaml"), "File name too long"),
])
def test_paths_a_user_mistypes_are_refused_with_a_message(tmp_path: Path, make_path, problem: str) -> None:
    """Found by a new user's trial: only missing files, permissions and
    directories were caught; these three ended in a traceback."""
    from fieldmap.errors import InputError
    from fieldmap.yamlio import load_yaml_mapping

    path = make_path(tmp_path)
    with pytest.raises(InputError) as exc:
        load_yaml_mapping(path)
    assert problem in str(exc.value) and exc.value.where == str(path), exc.value


@pytest.mark.parametrize("content, problem", [
    (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    (b"- {table: Deal, field: Amount, table: Other}\n", "duplicate key 'table'"),
])
def test_field_lists_and_evaluation_sets_are_read_as_strictly_as_mapping_files(tmp_path: Path, content: bytes,
                                                                               problem: str) -> None:
    """suggest's YAML went through yaml.safe_load of its own: deep nesting
    ended in a traceback and a repeated key kept its last value."""
    from fieldmap.errors import InputError
    from fieldmap.suggest import read_eval_items, read_field_list

    path = tmp_path / "fields.yaml"
    path.write_bytes(content)
    for read in (read_field_list, read_eval_items):
        with pytest.raises(InputError) as exc:
            read(path)
        assert problem in str(exc.value) and exc.value.where == str(path), exc.value
