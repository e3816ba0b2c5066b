"""No SECURITY DEFINER code runs a caller's code as the owner.

A caller can create temporary tables, views and functions, and operators in
a schema of its own put first on its search_path. Relations resolve through
the caller's pg_temp first whatever search_path says, so any fieldmap code
that names a relation without its schema, or leaves search_path open, would
use the caller's object, with the owner's rights when it is SECURITY
DEFINER. Every test here logs in as a real app role (session_user is that
role) and lays such traps; each trap raises a WARNING naming itself and the
role it runs as, which the test collects."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
import yaml
from registry import ensure_login_role, login, make_connector, make_mapping, set_context
from support import ENTITIES_YAML

WRITER, AUDITOR = "fm_test_writer_a", "fm_test_auditor_a"


@pytest.fixture
def alpha(db: psycopg.Connection) -> dict:
    """Tenants alpha and beta with mappings; login roles: a writer and an auditor of alpha."""
    db.execute("SELECT * FROM fieldmap.load_entities(%s::json)",
               (json.dumps(yaml.safe_load(ENTITIES_YAML.read_text())),))
    ids = {}
    for slug in ("alpha", "beta"):
        ids[slug] = db.execute("SELECT fieldmap.create_tenant(%s)", (slug,)).fetchone()[0]
        set_context(db, slug)
        connector = make_connector(db, ids[slug], "hubspot")
        entity = db.execute("SELECT id FROM fieldmap.entity_schemas WHERE entity_name = 'contact'").fetchone()[0]
        for source, canonical in (("email", "email"), ("firstname", "first_name"), ("lastname", "last_name")):
            ids[f"{slug}_{canonical}"] = make_mapping(db, ids[slug], connector, entity, source, canonical,
                                                      source_table="contact", canonical_entity="contact")
        db.execute("UPDATE fieldmap.field_mappings SET notes = 'v2' WHERE tenant_id = %s", (ids[slug],))
    db.execute("RESET fieldmap.tenant_id")
    db.execute("SELECT fieldmap.seal_audit_chain()")
    ensure_login_role(db, WRITER, "fieldmap_writer")
    ensure_login_role(db, AUDITOR, "fieldmap_auditor")
    for role in (WRITER, AUDITOR):
        db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, %s)", (ids["alpha"], role))
    return ids


def test_the_issues_reproduction_runs_no_code_of_the_writer_as_the_owner(db: psycopg.Connection,
                                                                         alpha: dict) -> None:
    with login(db, WRITER) as conn:
        conn.execute("""CREATE TEMP TABLE fieldmap_import_rows (entity text, entity_schema_id uuid,
                          canonical_field text, source_table text, source_field text, transform text,
                          description text, problem text)""")
        conn.execute("CREATE TEMP TABLE loot (tenant uuid, source_field text)")
        conn.execute("""CREATE FUNCTION pg_temp.evil() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN
                          EXECUTE 'ALTER TABLE fieldmap.field_mappings NO FORCE ROW LEVEL SECURITY';
                          INSERT INTO loot SELECT tenant_id, source_field FROM fieldmap.field_mappings;
                          EXECUTE 'ALTER TABLE fieldmap.field_mappings FORCE ROW LEVEL SECURITY';
                          RETURN NULL; END $f$""")
        conn.execute("""CREATE TRIGGER t AFTER INSERT ON fieldmap_import_rows
                          FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.evil()""")
        conn.execute("GRANT ALL ON fieldmap_import_rows, loot TO fieldmap_owner")
        with conn.transaction():
            conn.execute("SELECT fieldmap.set_context('alpha')")
            report = conn.execute("""SELECT fieldmap.import_mappings('x', '{"contact": {"fields": {"email": "Email"}}}',
                                                                   dry_run => true)""").fetchone()[0]
            assert report["created"] == 1 and not report["applied"]
            assert conn.execute("SELECT count(*) FROM fieldmap_import_rows").fetchone()[0] == 0
            assert conn.execute("SELECT count(DISTINCT tenant), count(*) FROM loot").fetchone() == (0, 0)
    assert db.execute("SELECT relforcerowsecurity FROM pg_class WHERE oid = 'fieldmap.field_mappings'::regclass"
                      ).fetchone()[0]


def relations_and_functions(db: psycopg.Connection) -> tuple[list[str], list[str]]:
    rels = [r[0] for r in db.execute("""SELECT relname FROM pg_class WHERE relnamespace = 'fieldmap'::regnamespace
                                          AND relkind IN ('r', 'v', 'm', 'p')""").fetchall()]
    funcs = sorted({r[0] for r in db.execute("SELECT proname FROM pg_proc WHERE pronamespace = 'fieldmap'::regnamespace"
                                             ).fetchall()})
    return rels, funcs


# names that fieldmap code uses or used unqualified, or that a careless body might
EXTRA_RELATIONS = ["fieldmap_import_rows", "old_rows", "new_rows", "entry", "slot", "plan", "rows", "t", "r", "f"]
EXTRA_FUNCTIONS = ["now", "set_config", "current_setting", "sha256", "jsonb_build_object", "to_jsonb", "format",
                   "coalesce_text", "levenshtein", "levenshtein_less_equal", "similarity", "gen_random_uuid"]
TRAP_OPERATORS = [("=", "text", "text", "texteq"), ("=", "uuid", "uuid", "uuid_eq"), ("||", "text", "text", "textcat"),
                  ("->>", "jsonb", "text", "jsonb_object_field_text"), ("?", "jsonb", "text", "jsonb_exists"),
                  ("<>", "text", "text", "textne"), ("=", "name", "name", "nameeq")]


def lay_traps(db: psycopg.Connection, conn: psycopg.Connection, role: str) -> None:
    """Temp views (read traps, with INSTEAD OF triggers as write traps) named
    like every fieldmap relation and a few more; temp functions named like
    every fieldmap function and some built-ins; operators in a schema of the
    caller's, first on its search_path."""
    rels, funcs = relations_and_functions(db)
    db.execute(f"GRANT CREATE ON DATABASE {db.info.dbname} TO {role}")
    conn.execute("""CREATE FUNCTION pg_temp.trap(what text) RETURNS integer LANGUAGE plpgsql AS $f$ BEGIN
                      RAISE WARNING 'FM-TRAP % ran as %', what, current_user; RETURN 1; END $f$""")
    conn.execute("""CREATE FUNCTION pg_temp.trap_row() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN
                      RAISE WARNING 'FM-TRAP write to % ran as %', TG_TABLE_NAME, current_user; RETURN NULL; END $f$""")
    for rel in sorted(set(rels) | set(EXTRA_RELATIONS)):
        conn.execute(f'CREATE TEMP VIEW "{rel}" AS SELECT pg_temp.trap(\'read {rel}\') AS trapped')
        conn.execute(f'CREATE TRIGGER trap INSTEAD OF INSERT OR UPDATE OR DELETE ON pg_temp."{rel}"'
                     " FOR EACH ROW EXECUTE FUNCTION pg_temp.trap_row()")
    for name in sorted(set(funcs) | set(EXTRA_FUNCTIONS)):
        for args in ("", "text", "uuid", "jsonb", "text, text"):
            conn.execute(f'CREATE FUNCTION pg_temp."{name}"({args}) RETURNS integer LANGUAGE sql'
                         f" AS $f$ SELECT pg_temp.trap('function {name}({args})') $f$")
    trap_schema = f"fm_trap_{role}"
    conn.execute(f"CREATE SCHEMA {trap_schema}")
    for op, left, right, builtin in TRAP_OPERATORS:
        fn = f"{trap_schema}.trap_{builtin}"
        result = conn.execute("SELECT format_type(prorettype, NULL) FROM pg_proc WHERE proname = %s LIMIT 1",
                              (builtin,)).fetchone()[0]
        conn.execute(f"""CREATE FUNCTION {fn}(a {left}, b {right}) RETURNS {result} LANGUAGE plpgsql AS $f$
                         BEGIN RAISE WARNING 'FM-TRAP operator {op} ({left}, {right}) ran as %', current_user;
                               RETURN pg_catalog.{builtin}(a, b); END $f$""")
        conn.execute(f"CREATE OPERATOR {trap_schema}.{op} (LEFTARG = {left}, RIGHTARG = {right}, FUNCTION = {fn})")
    conn.execute(f"SET search_path = {trap_schema}, pg_catalog, public")


@pytest.fixture
def trapped(db: psycopg.Connection, alpha: dict) -> Iterator[dict]:
    """A writer's and an auditor's login with traps laid; warnings collected."""
    fired: list[str] = []
    conns = {}
    for role in (WRITER, AUDITOR):
        conns[role] = login(db, role)
        conns[role].add_notice_handler(lambda d: fired.append(d.message_primary or "")
                                       if "FM-TRAP" in (d.message_primary or "") else None)
    # sanity: the traps work (the caller's own unqualified names and operators hit them)
    lay_traps(db, conns[WRITER], WRITER)
    lay_traps(db, conns[AUDITOR], AUDITOR)
    conns[WRITER].execute("SELECT * FROM field_mappings").fetchall()
    conns[WRITER].execute("SELECT 'a'::text = 'a'::text").fetchall()
    assert any("read field_mappings" in f for f in fired) and any("operator =" in f for f in fired), fired
    fired.clear()
    for role in (WRITER, AUDITOR):
        conns[role].execute("SELECT fieldmap.set_context('alpha', for_session => true)")
    yield {"conns": conns, "fired": fired, **alpha}
    for conn in conns.values():
        conn.close()


HUBSPOT = {"contact": {"fields": {"email": "email", "first_name": "firstname", "last_name": "surname"}}}


def calls(t: dict) -> list[tuple[str, str, str, tuple]]:
    """(the function it exercises, the role, the statement, its parameters)."""
    doc = json.dumps(HUBSPOT)
    m = t["alpha_email"]
    return [
        ("set_context", WRITER, "SELECT fieldmap.set_context('alpha', for_session => true)", ()),
        ("list_tenants", WRITER, "SELECT count(*) FROM fieldmap.list_tenants()", ()),
        ("current_tenant_id", WRITER, "SELECT fieldmap.current_tenant_id()", ()),
        ("_may_act_for, _resolve_tenant, _request_role", WRITER, "SELECT count(*) FROM fieldmap.field_mappings", ()),
        ("mapping_history", WRITER, "SELECT count(*) FROM fieldmap.mapping_history(%s)", (m,)),
        ("mapping_as_of", AUDITOR, "SELECT count(*) FROM fieldmap.mapping_as_of(%s, now())", (m,)),
        ("find_mapping", WRITER, "SELECT fieldmap.find_mapping('hubspot', 'contact.email')", ()),
        ("restore_mapping_version", WRITER, "SELECT fieldmap.restore_mapping_version(%s, 1)", (m,)),
        ("parse_mapping_doc, closest_name", WRITER,
         "SELECT count(*) FROM fieldmap.parse_mapping_doc('{\"contact\": {\"fields\": {\"emial\": \"x\"}}}')", ()),
        ("plan_import", WRITER, "SELECT count(*) FROM fieldmap.plan_import('hubspot', %s::jsonb)", (doc,)),
        ("import_mappings + audit triggers", WRITER, "SELECT fieldmap.import_mappings('hubspot', %s::jsonb)", (doc,)),
        ("export_mappings, connector_id", WRITER, "SELECT fieldmap.export_mappings('hubspot')", ()),
        ("compare_mappings", WRITER, "SELECT count(*) FROM fieldmap.compare_mappings('hubspot', %s::jsonb)", (doc,)),
        # the caller's own WHERE clause would resolve its operator on its own search_path: spelled out
        ("_audit_mappings_updated", WRITER,
         "UPDATE fieldmap.field_mappings SET notes = 'trap' WHERE id OPERATOR(pg_catalog.=) %s", (m,)),
        ("_audit_rows_inserted_deleted", WRITER,
         "DELETE FROM fieldmap.field_mappings WHERE id OPERATOR(pg_catalog.=) %s", (m,)),
        ("_audit_row", WRITER, "UPDATE fieldmap.connector_definitions SET description = 'trap'", ()),
        ("seal_audit_chain, _seal_tenant_chain", WRITER, "SELECT fieldmap.seal_audit_chain()", ()),
        ("verify_audit_chain", AUDITOR, "SELECT ok FROM fieldmap.verify_audit_chain()", ()),
        ("lineage_grid", AUDITOR, "SELECT count(*) FROM fieldmap.lineage_grid", ()),
        ("grid_status", AUDITOR, "SELECT * FROM fieldmap.grid_status()", ()),
        ("apply_mapping, transforms", WRITER,
         "SELECT fieldmap.apply_mapping('hubspot', 'contact', '{\"email\": \"A@B.TEST\", \"firstname\": 1}')", ()),
        ("validate_mapping", WRITER, "SELECT * FROM fieldmap.validate_mapping(%s, '[{\"firstname\": \"x\"}]')",
         (t["alpha_first_name"],)),
        ("validate_mappings", WRITER, "SELECT * FROM fieldmap.validate_mappings()", ()),
        ("active_mappings", WRITER, "SELECT count(*) FROM fieldmap.active_mappings", ()),
    ]


def test_no_fieldmap_code_uses_a_callers_temp_objects_or_operators(db: psycopg.Connection, trapped: dict) -> None:
    for what, role, statement, params in calls(trapped):
        trapped["conns"][role].execute(statement, params)
        assert trapped["fired"] == [], f"{what} used the caller's objects: {trapped['fired']}"
    # and the calls did their work
    db.execute("SELECT fieldmap.set_context('alpha', for_session => true)")
    assert db.execute("SELECT fieldmap.export_mappings('hubspot')->'contact'->'fields'->>'last_name'"
                      ).fetchone()[0] == "surname"
    assert db.execute("SELECT ok FROM fieldmap.verify_audit_chain()").fetchone()[0]


def test_every_security_definer_function_is_exercised_above(db: psycopg.Connection, trapped: dict) -> None:
    definers = {r[0] for r in db.execute("""SELECT proname FROM pg_proc
                                             WHERE pronamespace = 'fieldmap'::regnamespace AND prosecdef""").fetchall()}
    covered = {name.strip() for what, *_ in calls(trapped) for name in what.replace("+", ",").split(",")}
    assert definers - covered == set(), f"SECURITY DEFINER functions without a trap test: {definers - covered}"


def test_functions_pin_search_path_with_pg_temp_last(db: psycopg.Connection) -> None:
    """Every function pins search_path to pg_catalog, pg_temp, but for SQL
    helpers left open so that the planner inlines them (a SET clause stops
    inlining) and for procedures that COMMIT (PostgreSQL refuses that under
    a SET clause); those are SECURITY INVOKER and schema-qualify every name."""
    rows = db.execute("""SELECT proname, prosecdef, l.lanname = 'sql' OR (p.prokind = 'p' AND p.prosrc ~* '\\mcommit\\M'),
                                (SELECT c FROM unnest(proconfig) c WHERE c LIKE 'search_path=%%')
                           FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                          WHERE pronamespace = 'fieldmap'::regnamespace""").fetchall()
    loose = {name: setting for name, definer, may_be_open, setting in rows
             if setting != "search_path=pg_catalog, pg_temp" and (setting or definer or not may_be_open)}
    assert loose == {}, f"search_path not pinned to 'pg_catalog, pg_temp': {loose}"
    temp = db.execute("""SELECT proname FROM pg_proc WHERE pronamespace = 'fieldmap'::regnamespace
                           AND prosrc ~* 'create\\s+(temp|temporary)\\s'""").fetchall()
    assert temp == [], f"functions that create temporary objects: {temp}"
