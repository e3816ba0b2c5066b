"""Static checks of every PL/pgSQL function and trigger with plpgsql_check.

PL/pgSQL resolves names only when a statement first runs, so a misspelt
column in a branch no test reaches hides until a user reaches it.
plpgsql_check plans every statement of every function without running it:
each plain function once, each trigger function as a trigger of every table
it is attached to (with that trigger's transition tables). The extension is
created in the test's own database only; deploys never need it.

Zero errors, zero warnings (extra and security warnings included). A
warning that stands is switched off inside its function with an in-comment
option (-- @plpgsql_check_options: ...) and the reason beside it. The check
runs with a tenant in context: it evaluates some expressions, and
current_tenant_id() without one raises."""

from __future__ import annotations

import psycopg
import pytest

CHECK_OPTIONS = "extra_warnings => true, other_warnings => true, security_warnings => true"

# every PL/pgSQL function of fieldmap that is not a trigger: (oid)
PLAIN = """
    SELECT p.oid FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
     WHERE p.pronamespace = 'fieldmap'::regnamespace AND p.prorettype <> 'trigger'::regtype"""
# every trigger on a fieldmap table that runs PL/pgSQL: (tgfoid, tgrelid, tgoldtable, tgnewtable)
TRIGGERS = """
    SELECT t.tgfoid, t.tgrelid, t.tgoldtable, t.tgnewtable
      FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid AND c.relnamespace = 'fieldmap'::regnamespace
      JOIN pg_proc p ON p.oid = t.tgfoid
      JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
     WHERE NOT t.tgisinternal"""


def _checked(db: psycopg.Connection) -> list[tuple]:
    """Every finding: (function, trigger relation or '', line, sqlstate, message, level, detail)."""
    db.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check")
    if not db.execute("SELECT current_setting('fieldmap.tenant_id', true) <> ''").fetchone()[0]:
        db.execute("SELECT fieldmap.create_tenant('lint')")
        db.execute("SELECT fieldmap.set_context('lint', for_session => true)")
    return db.execute(f"""
        SELECT f.oid::regprocedure::text, '', r.lineno, r.sqlstate, r.message, r.level, r.detail
          FROM ({PLAIN}) f CROSS JOIN LATERAL plpgsql_check_function_tb(f.oid, {CHECK_OPTIONS}) r
        UNION ALL
        SELECT t.tgfoid::regprocedure::text, t.tgrelid::regclass::text, r.lineno, r.sqlstate, r.message, r.level,
               r.detail
          FROM ({TRIGGERS}) t
         CROSS JOIN LATERAL plpgsql_check_function_tb(t.tgfoid, t.tgrelid, {CHECK_OPTIONS},
                                                      oldtable => t.tgoldtable, newtable => t.tgnewtable) r
         ORDER BY 1, 2, 3""").fetchall()


def test_plpgsql_check_finds_no_error_and_no_warning(db: psycopg.Connection) -> None:
    findings = _checked(db)
    report = "\n".join(f"{fn}{' on ' + rel if rel else ''} line {line}: {level} {state} {msg}"
                       f"{' (' + detail + ')' if detail else ''}"
                       for fn, rel, line, state, msg, level, detail in findings)
    assert findings == [], f"plpgsql_check:\n{report}"


def test_every_plpgsql_function_and_trigger_was_checked(db: psycopg.Connection) -> None:
    # the check above must not pass by checking nothing
    functions, triggers = db.execute(f"SELECT (SELECT count(*) FROM ({PLAIN}) f), (SELECT count(*) FROM ({TRIGGERS}) t)"
                                     ).fetchone()
    assert functions >= 40 and triggers >= 30, (functions, triggers)


def test_the_warnings_switched_off_are_these(db: psycopg.Connection) -> None:
    """A new opt-out (-- @plpgsql_check_options: ...) is a decision to review:
    it must be added here, where the list of them stands."""
    opted_out = {r[0] for r in db.execute(f"""
        SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.oid IN ({PLAIN})
           AND p.prosrc LIKE '%@plpgsql_check_options%'""").fetchall()}
    assert opted_out == {
        "fieldmap._nearest_mappings(vector,text,integer,jsonb)",  # RETURN QUERY EXECUTE sets the columns
        "fieldmap.apply_mappings(text,text,jsonb[])",             # the same
        "fieldmap._tf_number(text,jsonb,jsonb)",                  # rule: every transform family takes it
    }


@pytest.mark.parametrize("body, expected", [
    ("BEGIN IF false THEN PERFORM no_such_column FROM fieldmap.tenants; END IF; RETURN 1; END",
     ("error", 'column "no_such_column" does not exist')),
    ("DECLARE v int; BEGIN SELECT name INTO v FROM fieldmap.tenants LIMIT 1; RETURN v; END",
     ("warning", "target type is different type than source type")),
])
def test_a_typo_in_an_untaken_branch_is_found(db: psycopg.Connection, body: str, expected: tuple) -> None:
    """What the check is for: a branch no test runs, with a misspelt column
    (an error), and a text read into an integer (a warning)."""
    db.execute(f"CREATE FUNCTION fieldmap.typo_probe() RETURNS int LANGUAGE plpgsql AS $f${body}$f$")
    findings = [(f[5], f[4]) for f in _checked(db) if f[0] == "fieldmap.typo_probe()"]
    level, message = expected
    assert any(lv == level and message in msg for lv, msg in findings), findings
