"""Legacy YAML <-> database: parse files, hand them to fieldmap.import_mappings
/ compare_mappings, write what fieldmap.export_mappings returns. Every
decision (direction, validity, what changed) is the database's."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
import yaml

from .db import describe_db_error
from .errors import DatabaseError, InputError
from .queries import query
from .yamlio import load_yaml_mapping, to_json

LEGACY_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class MappingFile:
    path: Path
    connector: str
    doc: dict


def read_files(paths: list[str]) -> list[MappingFile]:
    """Parse every file first, so a bad one stops the run before anything is written."""
    files = []
    for p in paths:
        path = Path(p)
        files.append(MappingFile(path, path.stem, load_yaml_mapping(path, max_bytes=LEGACY_MAX_BYTES)))
    return files


def set_context(conn: psycopg.Connection, tenant: str, reason: str | None = None) -> None:
    try:
        conn.execute(query("set_context"), {"tenant": tenant, "reason": reason, "trace": None})
    except psycopg.Error as exc:
        raise InputError(describe_db_error(exc), where=f"tenant {tenant}") from None


def _db_error(exc: psycopg.Error, where: str) -> Exception:
    if isinstance(exc, (psycopg.DataError, psycopg.IntegrityError, psycopg.errors.NoDataFound,
                        psycopg.errors.FeatureNotSupported)):
        # import_mappings puts every rejected entry in the hint: the message names the first
        return InputError(describe_db_error(exc, hint=False), where=where)
    return DatabaseError(describe_db_error(exc), where=where)


def import_files(conn: psycopg.Connection, tenant: str, files: list[MappingFile], options: dict) -> list[dict]:
    """All files in one transaction: one bad entry anywhere writes nothing."""
    reports = []
    with conn.transaction():
        set_context(conn, tenant, options.get("change_reason"))
        for f in files:
            try:
                row = conn.execute(query("import_mappings"), {"connector": f.connector, "doc": to_json(f.doc),
                                                               "options": json.dumps(options)}).fetchone()
            except psycopg.Error as exc:
                raise _db_error(exc, str(f.path)) from None
            reports.append({"file": str(f.path), **row[0]})
    return reports


def export_connector(conn: psycopg.Connection, connector: str) -> dict:
    try:
        return conn.execute(query("export_mappings"), {"connector": connector}).fetchone()[0]
    except psycopg.Error as exc:
        raise _db_error(exc, f"connector {connector}") from None


def dump_yaml(doc: dict) -> str:
    """The canonical text of an export: entities, then fields, sorted by name."""
    return yaml.safe_dump(doc, sort_keys=True, allow_unicode=True, default_flow_style=False, width=1000)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_all(conn: psycopg.Connection, tenant: str, out_dir: Path, connectors: list[str] | None = None) -> list[dict]:
    with conn.transaction():
        set_context(conn, tenant)
        names = connectors or [r[0] for r in conn.execute(query("connector_names")).fetchall()]
        written = []
        for name in names:
            doc = export_connector(conn, name)
            path = out_dir / f"{name}.yaml"
            write_atomically(path, dump_yaml(doc))
            written.append({"connector": name, "file": str(path),
                            "mappings": sum(len(e["fields"]) for e in doc.values())})
    return written


def compare_files(conn: psycopg.Connection, tenant: str, files: list[MappingFile], direction: str) -> list[dict]:
    results = []
    with conn.transaction():
        set_context(conn, tenant)
        for f in files:
            try:
                diffs = conn.execute(query("compare_mappings"), {"connector": f.connector, "doc": to_json(f.doc),
                                                                  "direction": direction}).fetchall()
                db_count = conn.execute(query("active_mapping_count"), {"connector": f.connector}).fetchone()[0]
            except psycopg.Error as exc:
                raise _db_error(exc, str(f.path)) from None
            yaml_count = sum(len(e.get("fields") or {}) for e in f.doc.values() if isinstance(e, dict))
            results.append({
                "file": str(f.path), "connector": f.connector, "yaml": yaml_count, "db": db_count,
                "missing_in_database": sum(d[2] == "missing in database" for d in diffs),
                "missing_in_file": sum(d[2] == "missing in file" for d in diffs),
                "mismatched": sum(d[2] == "mismatch" for d in diffs),
                "differences": [{"entity": d[0], "field": d[1], "difference": d[2], "in_file": d[3],
                                 "in_database": d[4]} for d in diffs],
            })
    return results
