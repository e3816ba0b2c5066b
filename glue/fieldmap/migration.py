"""Mapping documents <-> database: parse files, hand them to
fieldmap.import_mappings / compare_mappings, write what export_mappings
returns. Every decision (direction, validity, what changed) is the
database's; this module moves data and draws the transaction's edges."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import psycopg
import yaml
from psycopg.types.json import Jsonb

from .errors import FieldmapError, InputError, Rejected, from_db_error, retryable
from .files import StagedFiles, stage_files
from .queries import query
from .words import plural
from .yamlio import load_yaml_mapping, to_json

LEGACY_MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = (".yaml", ".yml")
ATTEMPTS = 5
T = TypeVar("T")


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


Problems = list[tuple[str, str]]  # (where, message)


def as_jsonb(doc: object) -> Jsonb:
    """A parsed YAML document as a jsonb parameter (YAML dates travel as text)."""
    return Jsonb(doc, dumps=to_json)


def read_files(paths: list[str]) -> tuple[list[MappingFile], Problems]:
    """Parse every file; the readable ones, and a problem for each of the others."""
    files, problems = [], []
    for p in paths:
        path = Path(p)
        if path.exists() and path.suffix not in SUFFIXES and not path.is_dir():
            problems.append((str(path), "not a mapping file: the name must end in .yaml or .yml "
                                        "(the connector is the file name without it)"))
            continue
        try:
            files.append(MappingFile(path, path.stem, load_yaml_mapping(path, max_bytes=LEGACY_MAX_BYTES)))
        except FieldmapError as exc:
            problems.append((exc.where or str(path), exc.message))
    return files, problems


def one_file_per_connector(files: list[MappingFile], why: str) -> None:
    """Refuse two files naming one connector where the second would undo the first."""
    seen: dict[str, Path] = {}
    problems = []
    for f in files:
        if f.connector in seen:
            problems.append((str(f.path), f"names connector {f.connector} as {seen[f.connector]} does; {why}"))
        seen.setdefault(f.connector, f.path)
    if problems:
        verb = "names" if len(problems) == 1 else "name"
        raise Rejected(problems, f"{plural(len(problems), 'file')} {verb} a connector another file names; "
                                 "nothing was done")


def new_connector(conn: psycopg.Connection, connector: str, where: str) -> tuple[bool, str | None]:
    """Whether the session's tenant lacks the connector, and then the closest
    name it has (the database's closest_name; None when none is close). A
    name that can be no connector's is refused."""
    rows = call(conn, "new_connector", {"connector": connector}, where)
    return bool(rows), rows[0]["closest"] if rows else None


def near_misses(conn: psycopg.Connection, tenant: str, files: list[MappingFile]) -> Problems:
    """Files whose connector the tenant lacks but nearly has: a misspelt file
    name would make a connector of its own, which no command removes."""
    problems = []
    for f in files:
        _, closest = new_connector(conn, f.connector, str(f.path))
        if closest:
            problems.append((str(f.path), f"tenant {tenant} has no connector {f.connector} (did you mean {closest}?); "
                                          f"name the file {closest}{f.path.suffix}, or give --new-connector to create it"))
    return problems


def set_context(conn: psycopg.Connection, tenant: str, reason: str | None = None) -> None:
    try:
        conn.execute(query("set_context"), {"tenant": tenant, "reason": reason, "trace": None})
    except psycopg.Error as exc:
        raise from_db_error(exc, where=f"tenant {tenant}") from None


def call_in_tenant(conn: psycopg.Connection, tenant: str, name: str, params: dict, where: str) -> list[dict]:
    """One named query in a transaction of its own, acting for the tenant."""
    with conn.transaction():
        set_context(conn, tenant)
        return call(conn, name, params, where)


def call(conn: psycopg.Connection, name: str, params: dict | None = None, where: str | None = None) -> list[dict]:
    """One named query; a server error as fieldmap's error about `where`
    (a retryable one is raised as it is, for with_retries)."""
    try:
        return conn.execute(query(name), params or {}).fetchall()
    except psycopg.Error as exc:
        if retryable(exc):
            raise  # the caller runs the transaction again
        raise from_db_error(exc, where=where) from None


def with_retries(work: Callable[[], T], what: str) -> T:
    """Run a transaction again when a concurrent one won (serialization
    failure, deadlock, or the same connector or mapping created at once),
    with backoff, saying so on stderr; give up after ATTEMPTS."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return work()
        except psycopg.Error as exc:
            if not retryable(exc) or attempt == ATTEMPTS:
                raise from_db_error(exc) from None
            print(f"fieldmap: {what}: a concurrent change won ({exc.diag.message_primary}); "
                  f"retrying ({attempt + 1} of {ATTEMPTS})", file=sys.stderr)
            time.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")


def import_files(conn: psycopg.Connection, tenant: str, files: list[MappingFile], options: dict, *,
                 dry_run: bool = False, mirror: Path | None = None, unreadable: Problems = (),
                 new_connectors: bool = False) -> ImportResult:
    """All files in one transaction. An entry the database rejects, an
    unreadable file, or a file naming a connector the tenant lacks but has
    one of a close name (hubspt.yaml; unless new_connectors) means nothing is
    written (unless options["partial"] for entries); every problem of every
    file is reported at once. A dry run does the real work and rolls it
    back, so its counts are exact even for several files of one connector. The mirror is rendered and staged inside the
    transaction, so an unwritable mirror writes nothing; it is published
    after commit (by the caller)."""
    if options.get("mode") == "replace":
        one_file_per_connector(files, "in replace mode the second would deprecate what the first imports")

    def attempt() -> ImportResult:
        result = ImportResult([])
        try:
            with conn.transaction(force_rollback=dry_run or bool(unreadable)):
                set_context(conn, tenant, options.get("change_reason"))
                misspelt = [] if new_connectors else near_misses(conn, tenant, files)
                for f in files:
                    if any(where == str(f.path) for where, _ in misspelt):
                        continue  # it would make the stray connector
                    row = call(conn, "import_mappings", {"connector": f.connector, "doc": as_jsonb(f.doc), **options},
                               str(f.path))[0]
                    result.reports.append({"file": str(f.path), **row["report"]})
                problems = list(unreadable) + misspelt + [(r["file"], x["reason"]) for r in result.reports
                                                          for x in r["rejected"]]
                if unreadable or misspelt or (problems and not options.get("partial")):
                    raise Rejected(problems, f"{plural(len(problems), 'problem')} in "
                                             f"{plural(len({w for w, _ in problems}), 'file')}; nothing was imported")
                if mirror is not None:
                    result.staged_mirror, docs = stage_mirror(conn, mirror, "imported")
                    result.mirror_files = sorted(docs)
        except BaseException:
            if result.staged_mirror is not None:
                result.staged_mirror.discard()  # the import did not commit: neither does the mirror
            raise
        if dry_run:
            if result.staged_mirror is not None:
                result.staged_mirror.discard()  # it could have been written; a dry run writes nothing
                result.staged_mirror, result.mirror_files = None, []
            for r in result.reports:
                r["dry_run"], r["applied"] = True, False
        return result

    return with_retries(attempt, "import")


# The mirror's list of the files fieldmap wrote into it last time, under the
# tenant they are of: a connector deleted since has its file removed (the
# mirror stays equal to the database), a file fieldmap did not write is never
# touched, and another tenant's mirror is refused, not overwritten.
MIRROR_MANIFEST = ".fieldmap-mirror"


def stage_mirror(conn: psycopg.Connection, mirror: Path, done: str,
                 names: list[str] | None = None) -> tuple[StagedFiles, dict[str, dict]]:
    """Every connector's YAML of the session tenant, rendered in the current
    transaction and written to a staging directory of the mirror: an
    unwritable mirror stops the transaction before it commits. The files of
    connectors gone since the last write go when the new ones are in place
    (names: the tenant's connectors, when the caller has listed them)."""
    tenant = call(conn, "context_tenant_slug")[0]["slug"]
    try:
        written_before = (mirror / MIRROR_MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):  # none yet (or unreadable): nothing is retired
        written_before = []
    owner = next((line[len("# tenant: "):] for line in written_before if line.startswith("# tenant: ")), tenant)
    if owner != tenant:
        raise InputError(f"holds tenant {owner}'s mirror, not tenant {tenant}'s: give each tenant a mirror of its "
                         f"own; nothing was {done}", where=f"mirror {mirror}")
    docs = render_all(conn, names if names is not None else connector_names(conn))
    files = {f"{name}.yaml": dump_yaml(doc) for name, doc in docs.items()}
    manifest = f"# tenant: {tenant}\n" + "".join(f"{name}\n" for name in sorted(files))
    retire = [name for name in written_before if name.endswith(".yaml") and "/" not in name]
    try:
        staged = stage_files(mirror, {**files, MIRROR_MANIFEST: manifest}, retire)
    except InputError as exc:
        raise InputError(f"{exc.message}; the mirror must be writable: nothing was {done}",
                         where=f"mirror {exc.where}") from None
    return staged, docs


def export_connector(conn: psycopg.Connection, connector: str) -> dict:
    return call(conn, "export_mappings", {"connector": connector}, f"connector {connector}")[0]["doc"]


def connector_names(conn: psycopg.Connection) -> list[str]:
    """The session tenant's connectors, by name."""
    return [r["connector"] for r in call(conn, "connector_names", {}, "connectors")]


def render_all(conn: psycopg.Connection, names: list[str]) -> dict[str, dict]:
    """The named connectors' documents, in the current tenant context; one
    without active mappings has none (export_mappings says NULL)."""
    return {name: doc for name in names if (doc := export_connector(conn, name)) is not None}


def dump_yaml(doc: dict) -> str:
    """The canonical text of an export: entities, then fields, sorted by name."""
    return yaml.safe_dump(doc, sort_keys=True, allow_unicode=True, default_flow_style=False, width=1000)


def export_all(conn: psycopg.Connection, tenant: str, out_dir: Path, connectors: list[str] | None = None) -> list[dict]:
    """Write every connector's YAML into out_dir: all files or none. Into a
    mirror (out_dir holds its list), all of them are written as a mirror
    write: a deleted connector's file goes (the exit-6 repair names this).
    A connector without active mappings gets no file (an older one of it is
    removed, named in 'removed'): it is listed with file None."""
    staged = None
    try:
        with conn.transaction():
            set_context(conn, tenant)
            names = connectors or connector_names(conn)
            if connectors is None and (out_dir / MIRROR_MANIFEST).is_file():
                staged, docs = stage_mirror(conn, out_dir, "exported", names)
            else:
                docs = render_all(conn, names)
                # a connector now without active mappings: its older export would pass for the database
                staged = stage_files(out_dir, {f"{name}.yaml": dump_yaml(doc) for name, doc in docs.items()},
                                     [f"{name}.yaml" for name in names if name not in docs])
    except BaseException:
        if staged is not None:
            staged.discard()  # staged, then the transaction failed (or Ctrl-C): no staging directory is left
        raise
    removing = set(staged.removing())
    placed = staged.publish()
    files = dict(zip(docs, placed))
    return [{"connector": name, "file": str(files[name]), "mappings": sum(len(e["fields"]) for e in docs[name].values())}
            if name in docs else
            {"connector": name, "file": None, "mappings": 0,
             "removed": str(out_dir / f"{name}.yaml") if f"{name}.yaml" in removing else None} for name in names]


def compare_files(conn: psycopg.Connection, tenant: str, files: list[MappingFile], direction: str,
                  unreadable: Problems = ()) -> list[dict]:
    """Every difference of every file; every problem of every file first."""
    one_file_per_connector(files, "a connector's mappings are compared with one file")
    results = []
    with conn.transaction():
        set_context(conn, tenant)
        problems = list(unreadable)
        for f in files:
            rows = call(conn, "doc_problems", {"doc": as_jsonb(f.doc), "direction": direction}, str(f.path))
            problems += [(str(f.path), r["problem"]) for r in rows]
        if problems:
            raise Rejected(problems, f"{plural(len(problems), 'problem')} in "
                                     f"{plural(len({w for w, _ in problems}), 'file')}; nothing was compared")
        for f in files:
            where = str(f.path)
            params = {"connector": f.connector, "doc": as_jsonb(f.doc), "direction": direction}
            diffs = call(conn, "compare_mappings", params, where)
            results.append({
                "file": where, "connector": f.connector,
                "yaml": call(conn, "count_doc_entries", params, where)[0]["entries"],
                "db": call(conn, "active_mapping_count", params, where)[0]["mappings"],
                "missing_in_database": sum(d["difference"] == "missing in database" for d in diffs),
                "missing_in_file": sum(d["difference"] == "missing in file" for d in diffs),
                "mismatched": sum(d["difference"] == "mismatch" for d in diffs),
                "differences": diffs,
            })
    return results
