"""Which database, and connecting to it.

The URL comes from, in order: --db-url, FIELDMAP_DATABASE_URL, DATABASE_URL,
else the project-local cluster of the enclosing fieldmap checkout, which the
CLI then names on stderr (never used silently). FIELDMAP_READ_URL, when set,
serves the read-only commands (a read replica)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

from .errors import DatabaseError, UnreachableError, UsageError
from .queries import query

URL_VARIABLES = ("FIELDMAP_DATABASE_URL", "DATABASE_URL")


@dataclass(frozen=True)
class Target:
    url: str
    local: bool  # the checkout's own cluster (so "make db-start" is the remedy when it is down)
    replica: bool = False  # FIELDMAP_READ_URL's read replica (so reading from the primary is the remedy)


def _local_cluster_url() -> str | None:
    """The URL of the project-local cluster, asked of scripts/cluster.sh in
    the nearest enclosing checkout (of the working directory, then of this
    package, which is installed editable)."""
    for start in (Path.cwd(), Path(__file__).resolve()):
        for d in [start, *start.parents]:
            script = d / "scripts" / "cluster.sh"
            if script.is_file() and (d / "db" / "sqitch.plan").is_file():
                env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
                out = subprocess.run(["bash", str(script), "url"], capture_output=True, text=True, check=False,
                                     env=env)
                if out.returncode == 0 and out.stdout.strip():
                    return out.stdout.strip()
    return None


def target(cli_url: str | None = None, *, quiet: bool = False) -> Target:
    """The database to use; names the local cluster on stderr when it falls back to it."""
    url = cli_url or next((os.environ[v] for v in URL_VARIABLES if os.environ.get(v)), None)
    if url:
        return Target(url, local=False)
    url = _local_cluster_url()
    if not url:
        raise DatabaseError("no database: pass --db-url or set FIELDMAP_DATABASE_URL "
                            "(or run inside a fieldmap checkout with 'make db-start')")
    if not quiet:
        print(f"fieldmap: using this checkout's local cluster ({url}); "
              "set FIELDMAP_DATABASE_URL or pass --db-url to choose another", file=sys.stderr)
    return Target(url, local=True)


def _where(url: str) -> str:
    try:
        p = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the database"
    host = p.get("host") or "localhost"
    return f"database {p.get('dbname', '?')} on {host}" + (f":{p['port']}" if p.get("port") else "")


def connect(t: Target, *, autocommit: bool = False) -> psycopg.Connection:
    """Open a connection (rows as dicts), turning a failure into one clear line."""
    try:
        return psycopg.connect(t.url, autocommit=autocommit, application_name="fieldmap-glue", row_factory=dict_row)
    except psycopg.ProgrammingError as exc:  # a malformed URL: a usage error, like a bad option
        raise UsageError(f"invalid database URL: {str(exc).strip()}") from None
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        # libpq checks some options only here; its English wording is matched (a
        # translated libpq falls back to "cannot connect", exit 3)
        bad_option = re.search(r"invalid \S+ (value|number)\b.*", first)
        if bad_option:  # sslmode=bogus, port=x: the URL is wrong, not the server
            raise UsageError(f"invalid database URL: {bad_option.group(0)}") from None
        if "Servname not supported" in first:  # host:abc over TCP: psycopg's own lookup of the port fails
            raise UsageError(f"invalid database URL: its port is no number ({first})") from None
        remedy = (" (is the cluster running? 'make db-start')" if t.local else
                  " (the read replica named by FIELDMAP_READ_URL; unset it to read from the primary)" if t.replica
                  else "")
        raise UnreachableError(f"cannot connect to {_where(t.url)}: {first}{remedy}") from None


@contextlib.contextmanager
def session_lock(conn: psycopg.Connection, key: str) -> Iterator[bool]:
    """A session advisory lock named by key, if free: yields whether it was
    taken, and releases it after (two cron runs of one job do not overlap;
    a lost connection has released it already)."""
    locked = conn.execute(query("session_lock"), {"key": key}).fetchone()["locked"]
    try:
        yield locked
    finally:
        if locked and not conn.closed:
            conn.execute(query("session_unlock"), {"key": key})
