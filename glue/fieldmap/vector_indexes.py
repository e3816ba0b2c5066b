"""`fieldmap vector-indexes`: run the statements fieldmap.vector_index_plan() gives.

The database decides which tenants and connectors need an HNSW index of their own and
writes the statements (CREATE/DROP INDEX CONCURRENTLY, COMMENT ON INDEX);
this module only runs them, one by one in autocommit, since a concurrent
build cannot run inside a transaction or a function. A session advisory
lock keeps two runs (cron) apart. A run killed during a build leaves that
index invalid; the plan of the next run drops it and builds it again."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import psycopg

from .db import session_lock
from .errors import from_db_error
from .queries import query


@dataclass
class Run:
    locked: bool = True
    done: list[dict] = field(default_factory=list)


def plan(conn: psycopg.Connection) -> list[dict]:
    try:
        return conn.execute(query("vector_index_plan")).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc) from None


def apply(conn: psycopg.Connection, *, progress: bool) -> Run:
    """conn: autocommit, as the owner. Each step done is in run.done, with its seconds."""
    run = Run()
    # a build takes minutes for a large tenant: no role's statement_timeout may cut it short
    conn.execute("SET statement_timeout = 0")
    with session_lock(conn, "fieldmap vector-indexes") as locked:
        run.locked = locked
        if locked:
            for step in plan(conn):
                _run_step(conn, step, run, progress)
    return run


def scope(step: dict) -> str:
    """Whose vectors a step's index holds: a tenant's, or one connector's of it
    (a connector deleted since is named by its id alone)."""
    if step["connector"] and not step["tenant"]:
        return f"connector {step['connector']} (deleted)"
    return f"tenant {step['tenant']}" + (f", connector {step['connector']}" if step["connector"] else "")


def describe(step: dict) -> str:
    """A step as one line: what, which index, whose vectors, how many and of
    what (a dropped index has no share; a connector's share is of the index
    its tenant is searched through), and how long it took."""
    if step["share"] is None:
        of = f" of {step['model']}"
    elif step["connector"]:
        of = f" ({step['share']:.0%} of its tenant's search index, {step['model']})"
    else:
        of = f" ({step['share']:.0%} of {step['model']})"
    took = f"  {step['seconds']:.1f} s" if "seconds" in step else ""
    return f"{step['action']:<7} {step['index_name']}  {scope(step)}, {step['vectors']:,} vectors{of}{took}"


def _run_step(conn: psycopg.Connection, step: dict, run: Run, progress: bool) -> None:
    if progress and step["action"] != "comment" and sys.stderr is not None:  # None: started with stderr closed
        try:
            print(f"fieldmap: {step['action']} {step['index_name']} ({scope(step)}, {step['vectors']:,} vectors) ...",
                  file=sys.stderr, flush=True)
        except (OSError, ValueError):  # stderr full or closed: a progress line is no reason to stop building
            pass
    started = time.perf_counter()
    try:
        conn.execute(step["statement"])
    except psycopg.Error as exc:
        error = from_db_error(exc)
        message = error.message
        if isinstance(exc, psycopg.errors.UndefinedTable) and step["action"] == "comment":
            # its build stood a moment ago: someone dropped it meanwhile (not "fieldmap is not deployed")
            message = (f"index {step['index_name']} was dropped by another session while this run built it; run "
                       "'fieldmap vector-indexes' again (and run the README's psql steps only under its lock)")
        located = type(error)(f"{step['action']} failed after {len(run.done)} steps done (those stand; a next "
                              f"run does the rest): {message}", where=step["index_name"], sqlstate=error.sqlstate)
        located.code = error.code
        raise located from None
    run.done.append({**step, "seconds": round(time.perf_counter() - started, 3)})
