"""The role x object x privilege matrix of docs/security.md, held against
the database: exactly what each app role may do and nothing more, checked in
the catalog and tried for real by login roles and by an authenticator that
switches to them; internal helpers closed; SECURITY DEFINER pinned; only the
owner can switch triggers off; pg_cron out of the app roles' reach."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql
from registry import acting_as, ensure_login_role, ensure_test_roles, login
from support import ROOT, url_for

ROLES = ["fieldmap_writer", "fieldmap_reader", "fieldmap_auditor", "public"]
TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
R, W, A = "fieldmap_reader", "fieldmap_writer", "fieldmap_auditor"


def documented_matrix() -> dict[str, dict[str, dict[str, set[str]]]]:
    """docs/security.md's "Privilege matrix": {subsection: {object: {role: privileges}}}."""
    text = (ROOT / "docs" / "security.md").read_text()
    section = text[text.index("## Privilege matrix"):]
    section = section[:section.index("\n## ", 1)]
    matrix: dict[str, dict[str, dict[str, set[str]]]] = {}
    for part in section.split("\n### ")[1:]:
        title, _, body = part.partition("\n")
        rows: dict[str, dict[str, set[str]]] = matrix.setdefault(title.strip(), {})
        header: list[str] = []
        for line in body.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not line.startswith("|") or set(cells[0]) <= {"-"}:
                continue
            if "`" not in cells[0]:
                header = [c.lower() for c in cells[1:]]
                continue
            name = cells[0].replace("`", "")
            rows[name] = {role: {p.strip() for p in cell.split(",")} - {"—"} for role, cell in zip(header, cells[1:],
                                                                                             strict=True)}
    return matrix


MATRIX = documented_matrix()
EXPECTED_TABLES = MATRIX["Tables and views"]
EXPECTED_FUNCTIONS = {name: {role for role, privs in cells.items() if "EXECUTE" in privs}
                      for name, cells in MATRIX["API functions (EXECUTE)"].items() if not name.startswith("_")}
# Internal helpers of SECURITY INVOKER API functions (apply_mapping, the
# transforms): they run with the caller's rights, so the caller needs them.
INVOKER_HELPERS = {name: {role for role, privs in cells.items() if "EXECUTE" in privs}
                   for name, cells in MATRIX["API functions (EXECUTE)"].items() if name.startswith("_")}
OTHERS = MATRIX["Sequences and schemas"]


def test_the_documented_matrix_is_whole() -> None:
    assert len(EXPECTED_TABLES) > 20 and len(EXPECTED_FUNCTIONS) > 40 and len(INVOKER_HELPERS) > 10
    assert all(set(cells) == set(ROLES) for section in MATRIX.values() for cells in section.values())


def test_invoker_helpers_write_nothing_and_define_nothing(db: psycopg.Connection) -> None:
    for name in INVOKER_HELPERS:
        row = db.execute("""SELECT prosecdef, provolatile FROM pg_proc
                             WHERE oid = ('fieldmap.' || %s)::regprocedure""", (name,)).fetchone()
        assert row == (False, "i") or row == (False, "s"), f"{name} must be SECURITY INVOKER and IMMUTABLE or STABLE"


def test_table_privileges_are_exactly_the_documented_ones(db: psycopg.Connection) -> None:
    rels = [r[0] for r in db.execute("""SELECT relname FROM pg_class WHERE relnamespace = 'fieldmap'::regnamespace
                                         AND relkind IN ('r', 'v', 'm') ORDER BY 1""").fetchall()]
    assert sorted(rels) == sorted(EXPECTED_TABLES)
    actual, expected = set(), set()
    for rel in rels:
        for role in ROLES:
            for priv in TABLE_PRIVILEGES:
                if db.execute("SELECT has_table_privilege(%s, %s, %s)", (role, f"fieldmap.{rel}", priv)).fetchone()[0]:
                    actual.add((role, rel, priv))
            expected |= {(role, rel, p) for p in EXPECTED_TABLES[rel].get(role, set())}
    assert actual == expected


def test_function_privileges_are_exactly_the_documented_ones(db: psycopg.Connection) -> None:
    funcs = db.execute("""SELECT substr(p.oid::regprocedure::text, length('fieldmap.') + 1), p.oid::regprocedure::text
                            FROM pg_proc p WHERE p.pronamespace = 'fieldmap'::regnamespace""").fetchall()
    actual, expected = set(), set()
    for label, signature in funcs:
        name = label.replace(", ", ",")
        if name in INVOKER_HELPERS:
            wanted = INVOKER_HELPERS[name]
        elif name.split("(")[0].startswith("_"):
            wanted: set[str] = set()  # internal helpers: nobody
        else:
            assert name in EXPECTED_FUNCTIONS, f"new API function {name}: add it to the matrix"
            wanted = EXPECTED_FUNCTIONS[name]
        for role in ROLES:
            if db.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')", (role, signature)).fetchone()[0]:
                actual.add((role, name))
        expected |= {(role, name) for role in wanted}
    assert actual == expected


def test_security_definer_functions_pin_search_path(db: psycopg.Connection) -> None:
    loose = db.execute("""SELECT proname FROM pg_proc WHERE pronamespace = 'fieldmap'::regnamespace AND prosecdef
                           AND NOT EXISTS (SELECT FROM unnest(proconfig) c WHERE c LIKE 'search_path=%%')""").fetchall()
    assert loose == []


def test_everything_is_owned_by_fieldmap_owner(db: psycopg.Connection) -> None:
    others = db.execute("""SELECT relname FROM pg_class WHERE relnamespace = 'fieldmap'::regnamespace
                             AND pg_get_userbyid(relowner) <> 'fieldmap_owner'
                           UNION ALL
                           SELECT proname FROM pg_proc WHERE pronamespace = 'fieldmap'::regnamespace
                             AND pg_get_userbyid(proowner) <> 'fieldmap_owner'""").fetchall()
    assert others == []


@pytest.mark.parametrize("role", ["fm_test_writer_a", "fm_test_auditor_a"])
def test_only_the_owner_can_switch_triggers_off(db: psycopg.Connection, role: str) -> None:
    ensure_test_roles(db)
    with acting_as(db, role):
        for table in ("field_mappings", "audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be owner"):
                db.execute(f"ALTER TABLE fieldmap.{table} DISABLE TRIGGER ALL")
    with acting_as(db, role):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("SET session_replication_role = replica")


def test_app_roles_are_not_members_of_the_owner(db: psycopg.Connection) -> None:
    for role in ("fieldmap_writer", "fieldmap_reader", "fieldmap_auditor"):
        assert not db.execute("SELECT pg_has_role(%s, 'fieldmap_owner', 'MEMBER')", (role,)).fetchone()[0]


def test_sequence_and_schema_privileges_are_exactly_the_documented_ones(db: psycopg.Connection) -> None:
    sequences = {f"sequence {r[0]}" for r in db.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = 'fieldmap'::regnamespace AND relkind = 'S'").fetchall()}
    assert sequences == {name for name in OTHERS if name.startswith("sequence ")}
    for name, cells in OTHERS.items():
        kind, _, obj = name.partition(" ")
        for role in ROLES:
            if kind == "sequence":
                held = {p for p in ("USAGE", "SELECT", "UPDATE") if db.execute(
                    "SELECT has_sequence_privilege(%s, %s, %s)", (role, f"fieldmap.{obj}", p)).fetchone()[0]}
            else:
                held = {p for p in ("USAGE", "CREATE") if db.execute(
                    "SELECT has_schema_privilege(%s, %s, %s)", (role, obj, p)).fetchone()[0]}
            assert held == cells[role], f"{role} on {name}"


# what each statement needs: EXPLAIN runs the executor's privilege check
# without running the statement; TRUNCATE cannot be explained, so it runs in
# a transaction that is rolled back
ATTEMPTS = {
    "SELECT": "EXPLAIN SELECT 1 FROM {t}",
    "INSERT": "EXPLAIN INSERT INTO {t} DEFAULT VALUES",
    "UPDATE": "EXPLAIN UPDATE {t} SET {c} = NULL WHERE false",
    "DELETE": "EXPLAIN DELETE FROM {t} WHERE false",
    "TRUNCATE": "TRUNCATE {t}",
}
GROUP_OF = {"fm_test_writer_a": W, "fm_test_reader_a": R, "fm_test_auditor_a": A}
AUTHENTICATOR = "fm_test_authenticator"


def privileges_tried(conn: psycopg.Connection, tables: list[tuple[str, str, str]]) -> set[tuple[str, str]]:
    """(table, privilege) pairs the session's current role was allowed: each
    statement tried for real, a refusal being 42501."""
    allowed = set()
    for table, kind, column in tables:
        for privilege, template in ATTEMPTS.items():
            if kind != "r" and privilege != "SELECT":
                continue  # views and the matview are read-only for everyone: the catalog test covers them
            statement = sql.SQL(template).format(t=sql.Identifier("fieldmap", table), c=sql.Identifier(column))
            with conn.transaction(force_rollback=True):
                try:
                    with conn.transaction():
                        conn.execute(statement)
                except psycopg.errors.InsufficientPrivilege:
                    continue
                except psycopg.Error:  # allowed, then stopped by something else (RLS, a trigger)
                    pass
            allowed.add((table, privilege))
    return allowed


def test_login_and_switched_sessions_can_do_exactly_the_documented_things(db: psycopg.Connection) -> None:
    """Each app role logged in as itself, and an authenticator (NOINHERIT)
    after SET ROLE to it, may run exactly the documented statements on every
    table; before SET ROLE the authenticator may run none."""
    ensure_test_roles(db)
    ensure_login_role(db, AUTHENTICATOR, *GROUP_OF, inherit=False)
    tables = db.execute("""
        SELECT c.relname, c.relkind,
               (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                  AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
                ORDER BY a.attnum DESC LIMIT 1)  -- a generated column refuses SET before privileges are checked
          FROM pg_class c WHERE c.relnamespace = 'fieldmap'::regnamespace AND c.relkind IN ('r', 'v', 'm')
         ORDER BY 1""").fetchall()
    for role, group in GROUP_OF.items():
        expected = {(t, p) for t, kind, _ in tables for p in EXPECTED_TABLES[t][group] | EXPECTED_TABLES[t]["public"]
                    if p in ATTEMPTS and (kind == "r" or p == "SELECT")}
        with login(db, role) as own, login(db, AUTHENTICATOR) as auth:
            assert privileges_tried(own, tables) == expected, role
            assert privileges_tried(auth, tables) == set(), "the authenticator holds nothing of its own"
            auth.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
            assert privileges_tried(auth, tables) == expected, f"{AUTHENTICATOR} as {role}"
            auth.execute("RESET ROLE")
            assert privileges_tried(auth, tables) == set()


def test_app_roles_cannot_reach_pg_cron(db: psycopg.Connection) -> None:
    """pg_cron lives in its own database; an app role there cannot schedule,
    change or list jobs: it has no USAGE on the schema cron."""
    ensure_test_roles(db)
    cron_db = db.execute("SHOW cron.database_name").fetchone()[0]
    for role in GROUP_OF:
        with psycopg.connect(url_for(cron_db, user=role), autocommit=True) as conn:
            assert not conn.execute("SELECT has_schema_privilege('cron', 'USAGE')").fetchone()[0]
            for statement in ("SELECT cron.schedule('x', '* * * * *', 'SELECT 1')",
                              "SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', %s)",
                              "SELECT cron.unschedule(1)", "SELECT * FROM cron.job",
                              "SELECT * FROM cron.job_run_details",
                              "SELECT cron.alter_job(1, '* * * * *')"):
                params = (db.info.dbname,) if "%s" in statement else None
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement, params)
