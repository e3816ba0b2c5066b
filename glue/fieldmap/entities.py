"""Loading canonical entity definitions: YAML in, a stored function call out.
The validation and the JSON Schema conversion happen in fieldmap.load_entities."""

from __future__ import annotations

from pathlib import Path

import psycopg

from .errors import from_db_error
from .queries import query
from .yamlio import load_yaml_mapping, to_json


def load_entities(conn: psycopg.Connection, path: str | Path, version: str = "1.0.0") -> list[dict]:
    """Load one entities file in one transaction; returns one row per entity
    with its action (created / unchanged). Nothing is written on error."""
    doc = load_yaml_mapping(path)
    try:
        with conn.transaction():
            return conn.execute(query("load_entities"), {"doc": to_json(doc), "version": version}).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc, where=str(path)) from None
