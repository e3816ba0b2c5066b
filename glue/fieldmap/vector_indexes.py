"""`fieldmap vector-indexes`: run the statements fieldmap.vector_index_plan() gives.

The database decides which tenants need an HNSW index of their own and
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

from .errors import from_db_error
from .queries import query


@dataclass
class Run:
    locked: bool = True
    done: list[dict] = field(default_factory=list)


def apply(conn: psycopg.Connection, *, dry_run: bool, progress: bool) -> Run:
    """conn: autocommit, as the owner. With dry_run, the plan is returned, not run."""
    run = Run()
    if not conn.execute(query("vector_indexes_lock")).fetchone()["locked"]:
        run.locked = False
        return run
    try:
        for step in conn.execute(query("vector_index_plan")).fetchall():
            if not dry_run:
                if progress and step["action"] != "comment":
                    print(f"fieldmap: {step['action']} {step['index_name']} (tenant {step['tenant'] or '(gone)'}, "
                          f"{step['vectors'] or 0:,} vectors) ...", file=sys.stderr, flush=True)
                started = time.perf_counter()
                try:
                    conn.execute(step["statement"])
                except psycopg.Error as exc:
                    raise from_db_error(exc, where=step["index_name"]) from None
                step["seconds"] = round(time.perf_counter() - started, 3)
            run.done.append(step)
    finally:
        if not conn.closed:
            conn.execute(query("vector_indexes_unlock"))
    return run
