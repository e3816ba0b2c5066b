"""Connecting: DATABASE_URL when set, else the project-local cluster."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg

from .errors import DatabaseError


def _local_cluster_url() -> str | None:
    """The URL of the project-local cluster, asked of scripts/cluster.sh in
    the nearest enclosing checkout (of the working directory, then of this
    package, which is installed editable)."""
    starts = [Path.cwd(), Path(__file__).resolve()]
    for start in starts:
        for d in [start, *start.parents]:
            script = d / "scripts" / "cluster.sh"
            if script.is_file() and (d / "db" / "sqitch.plan").is_file():
                out = subprocess.run(["bash", str(script), "url"], capture_output=True, text=True, check=False)
                if out.returncode == 0 and out.stdout.strip():
                    return out.stdout.strip()
    return None


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or _local_cluster_url()
    if not url:
        raise DatabaseError("no database: set DATABASE_URL, or run inside a fieldmap checkout with 'make db-start'")
    return url


def connect(url: str | None = None, *, autocommit: bool = False) -> psycopg.Connection:
    """Open a connection, turning connection failures into one clear line."""
    url = url or database_url()
    try:
        return psycopg.connect(url, autocommit=autocommit, application_name="fieldmap-glue")
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise DatabaseError(f"cannot connect to the database: {first} (is the cluster running? 'make db-start')") from None


def describe_db_error(exc: psycopg.Error, *, hint: bool = True) -> str:
    """The server's message (and hint) of a database error, on one line."""
    diag = exc.diag
    msg = diag.message_primary or str(exc).strip().splitlines()[0]
    if hint and diag.message_hint:
        msg += f" (hint: {diag.message_hint})"
    return msg
