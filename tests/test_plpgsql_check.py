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

CHECK_COLUMNS = "r.lineno, r.sqlstate, r.message, r.level, r.detail"


def _checked(db: psycopg.Connection) -> list[tuple]:
    """Every finding: (function, trigger relation or '', line, sqlstate, message, level, detail)."""
    db.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check")
    if not db.execute("SELECT current_setting('fieldmap.tenant_id', true) <> ''").fetchone()[0]:
        db.execute("SELECT fieldmap.create_tenant('lint')")
        db.execute("SELECT fieldmap.set_context('lint', for_session => true)")
    plain = db.execute(f"""
        SELECT p.oid::regprocedure::text, '', {CHECK_COLUMNS}
          FROM pg_proc p
          JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
         CROSS JOIN LATERAL plpgsql_check_function_tb(p.oid, extra_warnings => true, other_warnings => true,
                                                      security_warnings => true) r
         WHERE p.pronamespace = 'fieldmap'::regnamespace AND p.prorettype <> 'trigger'::regtype
         ORDER BY 1, 3""").fetchall()
    triggers = db.execute(f"""
        SELECT t.tgfoid::regprocedure::text, t.tgrelid::regclass::text, {CHECK_COLUMNS}
          FROM pg_trigger t
          JOIN pg_proc p ON p.oid = t.tgfoid
          JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
         CROSS JOIN LATERAL plpgsql_check_function_tb(t.tgfoid, t.tgrelid, extra_warnings => true,
                                                      other_warnings => true, security_warnings => true,
                                                      oldtable => t.tgoldtable, newtable => t.tgnewtable) r
         WHERE NOT t.tgisinternal AND t.tgrelid::regclass::text LIKE 'fieldmap.%'
         ORDER BY 1, 2, 3""").fetchall()
    return plain + triggers


def test_plpgsql_check_finds_no_error_and_no_warning(db: psycopg.Connection) -> None:
    findings = _checked(db)
    report = "\n".join(f"{fn}{' on ' + rel if rel else ''} line {line}: {level} {state} {msg}"
                       f"{' (' + detail + ')' if detail else ''}"
                       for fn, rel, line, state, msg, level, detail in findings)
    assert findings == [], f"plpgsql_check:\n{report}"


def test_every_plpgsql_function_and_trigger_was_checked(db: psycopg.Connection) -> None:
    # the check above must not pass by checking nothing
    db.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check")
    functions, triggers = db.execute("""
        SELECT (SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
                 WHERE p.pronamespace = 'fieldmap'::regnamespace AND p.prorettype <> 'trigger'::regtype),
               (SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                  JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
                 WHERE NOT t.tgisinternal AND t.tgrelid::regclass::text LIKE 'fieldmap.%')""").fetchone()
    assert functions >= 40 and triggers >= 30, (functions, triggers)


@pytest.mark.parametrize("body, expected", [
    ("BEGIN IF false THEN PERFORM no_such_column FROM fieldmap.tenants; END IF; RETURN 1; END",
     'column "no_such_column" does not exist'),
    ("DECLARE v int; BEGIN SELECT slug INTO v FROM fieldmap.tenants LIMIT 1; RETURN v; END", ""),
])
def test_a_typo_in_an_untaken_branch_is_found(db: psycopg.Connection, body: str, expected: str) -> None:
    """What the check is for: a branch no test runs, with a misspelt column
    (an error), and a text read into an integer (a warning)."""
    db.execute(f"CREATE FUNCTION fieldmap.typo_probe() RETURNS int LANGUAGE plpgsql AS $f${body}$f$")
    findings = [f for f in _checked(db) if f[0] == "fieldmap.typo_probe()"]
    assert findings, "plpgsql_check found nothing"
    assert expected in " ".join(f[4] for f in findings)
