"""Injection: every text parameter of every API function (text, text[],
json, jsonb, jsonb[]; for documents, every string and every key inside a
valid document) receives payloads that would run SQL if any function built a
statement by concatenation, split a format string, or let a value become an
identifier. The SQL they would run calls public.fm_canary(), which advances a
sequence: sequences do not roll back, so the count is exact even for a call
that failed afterwards.

Each call runs as the least role that may execute the function, logged in as
a real login role of tenant acme (row-level security in force); the few
owner-only functions run as the superuser. Every call must end in success or
a documented error, run no canary, and show nothing of tenant globex."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
from populated import store_stand_in_vectors
from psycopg.types.string import TextLoader
from registry import ensure_test_roles, login, set_context
from support import documented_codes

DOCUMENTED = documented_codes()
CANARY = "public.fm_canary()"
PAYLOADS = [
    f"x'); SELECT {CANARY}; --",
    f"x' || {CANARY} || '",
    f"x'::text || {CANARY} || 'y",
    f"'; SELECT {CANARY}; SELECT '",
    f"x\"; SELECT {CANARY}; --",
    f"x\" || {CANARY} || \"",
    f"\\'; SELECT {CANARY}; --",
    f"$$ || {CANARY} || $$",
    f"$f$; SELECT {CANARY}; $f$",
    f"1); SELECT {CANARY}; --",
    f"')) OR {CANARY} IS NOT NULL --",
    f"x') UNION SELECT {CANARY}::text --",
    f"1; SELECT {CANARY}",
    CANARY,
    "public.fm_canary",
    f"{CANARY}::text",
    "%s", "%I", "%L", "%1$s %2$I", "%%", "%n%n%n", "{0}", "${x}",
    f"$.a ? (@ == {CANARY})",
    "pg_temp.fm_canary", "public, pg_temp", "fieldmap_owner", "pg_catalog.pg_read_file('/etc/passwd')",
    "(a+)+$", ".*" * 50,
    "salesforce'--", "account.name' OR '1'='1", "acme' OR slug = 'globex",
]
VECTOR = "[" + ",".join(["0.05"] * 384) + "]"
MODEL = "sentence-transformers/all-MiniLM-L6-v2"
IMPORT_DOC = {"account": {"source_table": "Account", "description": "accounts",
                          "fields": {"account_id": "Id", "name": {"source": "Name", "transform": "trim"},
                                     "industry": {"source": "Industry", "confidence": 0.9}}}}

# A valid value for every parameter a call needs: by (function, parameter),
# else by parameter name. A new function whose parameters are not here fails
# test_every_text_parameter_is_covered until it is added.
VALID_BY_CALL: dict[tuple[str, str], object] = {
    ("load_entities", "doc"): {"account": {"fields": {"account_id": "string!", "name": "string",
                                                      "industry": "string", "phone": "string"}}},
    ("load_entities", "version"): "1.1.0",
    ("add_embedding_model", "name"): "test-model-8",
    ("closest_name", "name"): "acount",
    ("name_words", "name"): "AccountName",
    ("create_tenant", "name"): "Initech",
    ("check_handle", "value"): "salesforce",
    ("is_handle", "value"): "salesforce",
    ("transform", "value"): "  padded ",
    ("try_transform", "value"): "  padded ",
    ("transform_rule_problem", "rule"): {"multiply": 100},
}
VALID: dict[str, object] = {
    "connector": "salesforce", "entity": "account", "record": {"Id": "1", "Name": " Acme ", "Industry": "Retail"},
    "records": [{"Id": "1", "Name": "Acme"}], "samples": [{"Id": "1", "Name": "Acme", "Industry": "Retail"}],
    "doc": IMPORT_DOC, "mode": "merge", "direction": "auto", "mapping_source": "manual", "change_reason": "why",
    "connector_type": "rest_api", "what": "connector name", "candidates": ["account", "contact"],
    "description": "a model", "slug": "initech", "settings": {"region": "eu"}, "email": "a@example.test",
    "display_name": "A. Person", "source_table": "Account", "source_field": "Name", "source_type": "string",
    "source_fields": ["Name", "Phone"], "source_types": ["string", "phone"], "field": "account.name",
    "model": MODEL, "kinds": ["mapping"], "hashes": ["0" * 64], "tenant": "acme", "reason": "a reason",
    "trace_id": "trace-1", "transform": "trim", "rule": None, "coercion": "string",
    "filters": {"connector": "salesforce", "entity": "account", "status": "active", "min_confidence": 0.5,
                "model": MODEL},
    "after": None, "dims": 8, "k": 3, "batch_size": 10, "force": False, "seal": False, "version": 1,
    "query": VECTOR, "vectors": [VECTOR], "query_vectors": [VECTOR, VECTOR], "table_vector": None,
    "source_tables": ["Account", "Account"], "table_vectors": [VECTOR, VECTOR],
    "at": "now", "actor": None,
}
TEXTISH = {"text", "text[]", "json", "jsonb", "jsonb[]"}
WORLD_KEYS = ("mapping_id", "mapping_ids", "user_id", "keys")  # ids the fixture makes


def api_functions(db: psycopg.Connection) -> list[dict]:
    rows = db.execute("""
        SELECT p.proname, p.oid::regprocedure::text,
               array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) t),
               (p.proargnames)[1:p.pronargs], p.pronargs - p.pronargdefaults  -- TABLE columns follow the inputs
          FROM pg_proc p
         WHERE p.pronamespace = 'fieldmap'::regnamespace AND p.proname NOT LIKE '\\_%%' AND p.prokind = 'f'
         ORDER BY 1""").fetchall()
    return [{"name": n, "signature": s, "types": t, "args": a or [], "required": r} for n, s, t, a, r in rows]


def valid(function: str, arg: str, world: dict | None = None) -> object:
    if world and arg in world:
        return world[arg]
    return VALID_BY_CALL.get((function, arg), VALID.get(arg, KeyError))


def hostile_values(kind: str, good: object, payload: str) -> Iterator[object]:
    """The payload as the whole value, and inside a valid document: in place
    of each string and of each key."""
    if kind == "text":
        yield payload
    elif kind == "text[]":  # in place of each element: an array of the length the others have reaches the body
        for i in range(len(good)):
            yield [*good[:i], payload, *good[i + 1:]]
    else:
        yield [payload] if kind == "jsonb[]" else payload
        yield from _planted(good, payload)


def _planted(doc: object, payload: str) -> Iterator[object]:
    """Copies of doc with one string or key replaced by the payload."""
    if isinstance(doc, str):
        yield payload
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            for variant in _planted(item, payload):
                yield [*doc[:i], variant, *doc[i + 1:]]
    elif isinstance(doc, dict):
        for key, value in doc.items():
            yield {(payload if k == key else k): v for k, v in doc.items()}
            for variant in _planted(value, payload):
                yield {**doc, key: variant}


def as_param(kind: str, value: object) -> object:
    if value is None or not kind.startswith("json"):
        return value
    return [json.dumps(v) for v in value] if kind == "jsonb[]" else json.dumps(value)


@pytest.fixture
def world(db: psycopg.Connection) -> dict:
    """Tenant acme (the caller's) and tenant globex (whose names must never
    come back), a canary, the login roles and ids the calls need."""
    db.execute("""SELECT * FROM fieldmap.load_entities('{"account": {"fields": {"account_id": "string!",
                    "name": "string", "industry": "string"}}}')""")
    for slug, secret in (("globex", "GlobexSecret"), ("acme", "Name")):
        db.execute("SELECT fieldmap.create_tenant(%s)", (slug,))
        set_context(db, slug)
        db.execute("SELECT fieldmap.import_mappings('salesforce', %s::jsonb)",
                   (json.dumps({"account": {"source_table": "Account",
                                            "fields": {"account_id": "Id", "name": secret}}}),))
    store_stand_in_vectors(db)  # acme's and the schema's: search and suggest have something to rank
    mapping = db.execute("SELECT id FROM fieldmap.field_mappings WHERE source_field = 'Name'").fetchone()[0]
    user = db.execute("SELECT fieldmap.create_user('someone@example.test')").fetchone()[0]
    db.execute("""CREATE SEQUENCE public.fm_injection_hits;
                  CREATE FUNCTION public.fm_canary() RETURNS text LANGUAGE sql SECURITY DEFINER
                    SET search_path = pg_catalog AS $$ SELECT nextval('public.fm_injection_hits')::text $$;
                  GRANT EXECUTE ON FUNCTION public.fm_canary() TO PUBLIC""")
    ensure_test_roles(db)
    db.execute("""INSERT INTO fieldmap.tenant_members (tenant_id, role_name)
                  SELECT id, r FROM fieldmap.tenants, unnest(ARRAY['fm_test_writer_a', 'fm_test_reader_a',
                                                                   'fm_test_auditor_a']) r
                   WHERE slug = 'acme'""")
    db.adapters.register_loader("jsonb", TextLoader)
    world = {"mapping_id": mapping, "mapping_ids": [mapping], "user_id": user, "keys": [str(mapping)]}
    assert set(world) == set(WORLD_KEYS)
    return world


def caller_for(db: psycopg.Connection, signature: str) -> str | None:
    """The least role that may run the function; None: the owner only."""
    for role, group in (("fm_test_reader_a", "fieldmap_reader"), ("fm_test_writer_a", "fieldmap_writer"),
                        ("fm_test_auditor_a", "fieldmap_auditor")):
        if db.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')", (group, signature)).fetchone()[0]:
            return role
    return None


def canary_count(db: psycopg.Connection) -> int:
    return db.execute("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM public.fm_injection_hits").fetchone()[0]


def test_every_text_parameter_of_every_api_function(db: psycopg.Connection, world: dict) -> None:
    functions = api_functions(db)
    sessions: dict[str, psycopg.Connection] = {}
    calls = 0
    problems: list[str] = []
    try:
        for fn in functions:
            role = caller_for(db, fn["signature"])
            if role and role not in sessions:
                sessions[role] = login(db, role)
                sessions[role].adapters.register_loader("jsonb", TextLoader)
                set_context(sessions[role], "acme")
            conn = sessions[role] if role else db
            if not role:
                set_context(db, "acme")
            # with valid values the call succeeds: so the payloads below reach
            # the function's body, not only its first check
            every = {a: valid(fn["name"], a, world) for j, a in enumerate(fn["args"])
                     if j < fn["required"] or fn["types"][j] in TEXTISH}
            baseline = call(conn, fn, {a: v for a, v in every.items() if v is not KeyError}, strict=True)
            if baseline != "ok":
                problems.append(f"{fn['signature']} with valid values: {baseline}")
            for arg, kind in zip(fn["args"], fn["types"], strict=True):
                if kind not in TEXTISH:
                    continue
                good = valid(fn["name"], arg, world)
                for payload in PAYLOADS:
                    for value in hostile_values(kind, good, payload):
                        args = {a: (value if a == arg else valid(fn["name"], a, world))
                                for j, a in enumerate(fn["args"]) if j < fn["required"] or a == arg}
                        outcome = call(conn, fn, args)
                        calls += 1
                        if outcome not in (None, "ok"):
                            problems.append(f"{fn['signature']} {arg}={value!r}: {outcome}")
        assert not problems, f"{len(problems)} of {calls} calls:\n" + "\n".join(problems[:3] + problems[-3:])
        assert canary_count(db) == 0, "an injected statement ran"
        assert calls > 2000
    finally:
        for session in sessions.values():
            session.close()


def call(conn: psycopg.Connection, fn: dict, args: dict, *, strict: bool = False) -> str | None:
    """'ok' on success, None on a documented error (strict: its message);
    otherwise what went wrong."""
    kinds = dict(zip(fn["args"], fn["types"], strict=True))
    placeholders = ", ".join(f"{a} => %s::{kinds[a]}" for a in args)
    statement = f"SELECT * FROM fieldmap.{fn['name']}({placeholders})"
    params = tuple(as_param(kinds[a], v) for a, v in args.items())
    with conn.transaction(force_rollback=True):
        try:
            with conn.transaction():
                rows = conn.execute(statement, params).fetchall()
        except psycopg.Error as exc:
            if exc.sqlstate in DOCUMENTED and not strict:
                return None
            return f"{exc.sqlstate}: {str(exc).splitlines()[0]}"
        superuser = conn.info.parameter_status("is_superuser") == "on"  # sees every tenant, by PostgreSQL's rule
        if not superuser and "GlobexSecret" in repr(rows):
            return "tenant globex's data came back"
    return "ok"


def test_every_text_parameter_is_covered(db: psycopg.Connection) -> None:
    """Every parameter an API call needs has a valid value here, so that new
    functions are walked too."""
    missing = [f"{fn['name']}.{a}" for fn in api_functions(db) for j, a in enumerate(fn["args"])
               if (j < fn["required"] or fn["types"][j] in TEXTISH)
               and valid(fn["name"], a, dict.fromkeys(WORLD_KEYS)) is KeyError]
    assert not missing


def test_the_canary_catches_a_function_that_concatenates(db: psycopg.Connection, world: dict) -> None:
    """The probe: a function that builds SQL by concatenation runs the canary
    for some payload, so a zero above means no API function did."""
    db.execute("""CREATE FUNCTION public.fm_concatenates(value text) RETURNS SETOF text LANGUAGE plpgsql AS $$
                  BEGIN RETURN QUERY EXECUTE 'SELECT ''' || value || '''::text'; END $$""")
    for payload in PAYLOADS:
        with db.transaction(force_rollback=True):
            try:
                with db.transaction():
                    db.execute("SELECT * FROM public.fm_concatenates(%s)", (payload,)).fetchall()
            except psycopg.Error:
                pass
    assert canary_count(db) >= 3
