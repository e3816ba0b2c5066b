"""Mapping documents <-> database: parse files, hand them to
fieldmap.import_mappings / compare_mappings, write what export_mappings
returns. Every decision (direction, validity, what changed) is the
database's; this module moves data and draws the transaction's edges."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import yaml
from psycopg.types.json import Jsonb

from .errors import FieldmapError, InputError, Rejected, from_db_error
from .files import StagedFiles, stage_files
from .queries import query
from .yamlio import load_yaml_mapping, to_json

LEGACY_MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = (".yaml", ".yml")


@dataclass
class MappingFile:
    path: Path
    connector: str
    doc: dict


@dataclass
class ImportResult:
    reports: list[dict]
    staged_mirror: StagedFiles | None = None
    mirror_files: list[str] = field(default_factory=list)


def as_jsonb(doc: object) -> Jsonb:
    """A parsed YAML document as a jsonb parameter (YAML dates travel as text)."""
    return Jsonb(doc, dumps=to_json)


def read_files(paths: list[str]) -> list[MappingFile]:
    """Parse every file first, so a bad one stops the run before anything is
    written; every unreadable file is reported, not only the first."""
    files, problems = [], []
    for p in paths:
        path = Path(p)
        if path.suffix not in SUFFIXES:
            problems.append((str(path), "not a mapping file: the name must end in .yaml or .yml "
                                        "(the connector is the file name without it)"))
            continue
        try:
            files.append(MappingFile(path, path.stem, load_yaml_mapping(path, max_bytes=LEGACY_MAX_BYTES)))
        except FieldmapError as exc:
            problems.append((exc.where or str(path), exc.message))
    if problems:
        raise Rejected(problems, f"{len(problems)} of {len(paths)} files cannot be read; nothing was imported")
    return files


def set_context(conn: psycopg.Connection, tenant: str, reason: str | None = None) -> None:
    try:
        conn.execute(query("set_context"), {"tenant": tenant, "reason": reason, "trace": None})
    except psycopg.Error as exc:
        raise from_db_error(exc, where=f"tenant {tenant}") from None


def _call(conn: psycopg.Connection, name: str, params: dict, where: str) -> list[dict]:
    try:
        return conn.execute(query(name), params).fetchall()
    except psycopg.Error as exc:
        raise from_db_error(exc, where=where) from None


def import_files(conn: psycopg.Connection, tenant: str, files: list[MappingFile], options: dict, *,
                 dry_run: bool = False, mirror: Path | None = None) -> ImportResult:
    """All files in one transaction. An entry the database rejects means
    nothing is written (unless options["partial"]); a dry run does the real
    work and rolls it back, so its counts are exact even for several files of
    one connector. The mirror is rendered and staged inside the transaction,
    so an unwritable mirror writes nothing; it is published after commit."""
    result = ImportResult([])
    try:
        with conn.transaction(force_rollback=dry_run):
            set_context(conn, tenant, options.get("change_reason"))
            for f in files:
                row = _call(conn, "import_mappings", {"connector": f.connector, "doc": as_jsonb(f.doc), **options},
                            str(f.path))[0]
                result.reports.append({"file": str(f.path), **row["report"]})
            problems = [(r["file"], x["reason"]) for r in result.reports for x in r["rejected"]]
            if problems and not options.get("partial"):
                files_with = sum(1 for r in result.reports if r["rejected"])
                raise Rejected(problems, f"{len(problems)} entries rejected in {files_with} "
                                         f"file{'s' if files_with > 1 else ''}; nothing was imported")
            if mirror is not None and not dry_run:
                docs = render_all(conn)
                try:
                    result.staged_mirror = stage_files(mirror, {f"{name}.yaml": dump_yaml(doc)
                                                                for name, doc in docs.items()})
                except InputError as exc:
                    raise InputError(f"{exc.message}; the mirror must be writable: nothing was imported",
                                     where=f"mirror {exc.where}") from None
                result.mirror_files = sorted(docs)
    except BaseException:
        if result.staged_mirror is not None:
            result.staged_mirror.discard()  # the import did not commit: neither does the mirror
        raise
    if dry_run:
        for r in result.reports:
            r["dry_run"], r["applied"] = True, False
    return result


def export_connector(conn: psycopg.Connection, connector: str) -> dict:
    return _call(conn, "export_mappings", {"connector": connector}, f"connector {connector}")[0]["doc"]


def render_all(conn: psycopg.Connection, connectors: list[str] | None = None) -> dict[str, dict]:
    """Every (or the named) connector's document, in the current tenant context."""
    names = connectors or [r["connector"] for r in _call(conn, "connector_names", {}, "connectors")]
    return {name: export_connector(conn, name) for name in names}


def dump_yaml(doc: dict) -> str:
    """The canonical text of an export: entities, then fields, sorted by name."""
    return yaml.safe_dump(doc, sort_keys=True, allow_unicode=True, default_flow_style=False, width=1000)


def export_all(conn: psycopg.Connection, tenant: str, out_dir: Path, connectors: list[str] | None = None) -> list[dict]:
    """Write every connector's YAML into out_dir: all files or none."""
    with conn.transaction():
        set_context(conn, tenant)
        docs = render_all(conn, connectors)
    staged = stage_files(out_dir, {f"{name}.yaml": dump_yaml(doc) for name, doc in docs.items()})
    placed = staged.publish()
    return [{"connector": name, "file": str(path), "mappings": sum(len(e["fields"]) for e in docs[name].values())}
            for name, path in zip(docs, placed)]


def compare_files(conn: psycopg.Connection, tenant: str, files: list[MappingFile], direction: str) -> list[dict]:
    results = []
    with conn.transaction():
        set_context(conn, tenant)
        for f in files:
            where = str(f.path)
            params = {"connector": f.connector, "doc": as_jsonb(f.doc), "direction": direction}
            diffs = _call(conn, "compare_mappings", params, where)
            results.append({
                "file": where, "connector": f.connector,
                "yaml": _call(conn, "count_doc_entries", params, where)[0]["entries"],
                "db": _call(conn, "active_mapping_count", params, where)[0]["mappings"],
                "missing_in_database": sum(d["difference"] == "missing in database" for d in diffs),
                "missing_in_file": sum(d["difference"] == "missing in file" for d in diffs),
                "mismatched": sum(d["difference"] == "mismatch" for d in diffs),
                "differences": diffs,
            })
    return results
