"""The `fieldmap` command: thin wrappers around the stored functions.

Every command prints one clear line per problem on error (never a
traceback), exits non-zero with a code from errors.EXIT_CODES, and takes
--json for scripts (errors then come as one JSON object on stderr)."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import signal
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

from . import __version__, cron, embed, encoder, migration, suggest, vector_indexes
from .db import Target, connect, target
from .entities import load_entities
from .errors import (EXIT_CODES, EXIT_DATABASE, EXIT_DIFFERENCES, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_MIRROR,
                     EXIT_OUTPUT, EXIT_PARTIAL, EXIT_PIPE, DatabaseError, FieldmapError, InputError, Interrupted, MirrorNotWritten,
                     Rejected, UsageError, for_sqlstate, from_db_error)
from .files import stage_files
from .status import collect, render
from .words import plural

ENVIRONMENT = """environment:
  FIELDMAP_DATABASE_URL  the database (else DATABASE_URL; else this checkout's local cluster, named on stderr)
  FIELDMAP_READ_URL      a read replica for the read-only commands (export, verify-migration, grid, history,
                         status, search, suggest, eval-suggest, audit verify --no-seal, tenant list, user list);
                         --db-url overrides it
  FIELDMAP_TENANT        default for --tenant
  FIELDMAP_MIRROR        default for --mirror of import and restore"""
EXITS = "exit codes:\n" + "\n".join(f"  {code:<3} {text}" for code, text in EXIT_CODES.items())


# --- helpers ---------------------------------------------------------------

def _target(args: argparse.Namespace, *, read_only: bool = False) -> Target:
    url = getattr(args, "db_url", None)
    if url is not None and not url.strip():  # "$UNSET_VAR": not a cue to fall back on another database
        raise UsageError("--db-url is empty: give the database's URL, or leave --db-url out")
    if not url and read_only and os.environ.get("FIELDMAP_READ_URL"):
        return Target(os.environ["FIELDMAP_READ_URL"], local=False, replica=True)
    return target(url)


def _connect(args: argparse.Namespace, *, read_only: bool = False) -> psycopg.Connection:
    return connect(_target(args, read_only=read_only))


def _json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


class OutputError(FieldmapError):
    """The work is done, but stdout refused the report (a full disk, an I/O error)."""

    exit_code = EXIT_OUTPUT
    code = "output"


def _emit(args: argparse.Namespace, payload: object, text: str) -> None:
    out = json.dumps(payload, indent=2, default=str) if _json(args) else text
    if not out:
        return
    if sys.stdout is None:  # started with stdout closed (>&-)
        raise OutputError("the command did its work, but its output could not be written: standard output is closed")
    try:
        sys.stdout.write(out + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"the command did its work, but its output could not be written: "
                          f"{exc.strerror or exc}") from None


def _warn(args: argparse.Namespace, message: str) -> None:
    """A note on stderr that is not an error (as JSON under --json)."""
    print(json.dumps({"warning": message}) if _json(args) else f"fieldmap: {message}", file=sys.stderr)


def _progress_bar(args: argparse.Namespace) -> bool:
    """A progress bar for a person at a terminal; none under --json or in a
    log (cron's mail, a redirect), where its carriage returns are noise."""
    return not _json(args) and sys.stderr.isatty()


def _tenant(args: argparse.Namespace) -> str:
    if args.tenant is not None and not args.tenant.strip():  # '' fell back to $FIELDMAP_TENANT unsaid
        raise UsageError("--tenant is empty: give a tenant slug or id")
    tenant = args.tenant or os.environ.get("FIELDMAP_TENANT")
    if not tenant:
        raise UsageError("no tenant: pass --tenant SLUG (or set FIELDMAP_TENANT)")
    return tenant


def _every_tenant(args: argparse.Namespace) -> bool:
    """--all-tenants, refused beside --tenant (the tenant was ignored unsaid)."""
    if args.all_tenants and args.tenant is not None:
        raise UsageError("give --tenant or --all-tenants, not both")
    return args.all_tenants


def _in_tenant(args: argparse.Namespace, name: str, params: dict | None = None, *, read_only: bool = False,
               reason: str | None = None) -> list[dict]:
    """One named query in a transaction acting for the command's tenant."""
    tenant = _tenant(args)
    with _connect(args, read_only=read_only) as conn, conn.transaction():
        migration.set_context(conn, tenant, reason)
        return migration.call(conn, name, params)


def _directory(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("a directory is required, not an empty string")
    if text == "-":  # read as "stdout" by habit; it made a directory named -
        raise argparse.ArgumentTypeError("a directory is required, not '-': one file per connector is written into it")
    return Path(text)


def _one_to(high: int) -> Callable[[str], int]:
    """A whole number from 1 to the database's own limit, refused before connecting
    with the same exit code as 0 would be (the database still checks it)."""
    def whole_number(text: str) -> int:
        value = _positive(text)
        if value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high}, not {value}")
        return value
    return whole_number


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


# --- commands --------------------------------------------------------------

def cmd_entities_load(args: argparse.Namespace) -> int:
    with _connect(args) as conn:
        rows = load_entities(conn, args.file, args.version)
    created = sum(r["action"] == "created" for r in rows)
    text = "\n".join(f"{r['action']:<9} {r['entity']} {r['version']}" for r in rows)
    text += f"\n{args.file}: {len(rows)} entities, {created} created, {len(rows) - created} unchanged"
    _emit(args, {"file": args.file, "entities": rows, "created": created, "unchanged": len(rows) - created}, text)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    t = _target(args, read_only=True)
    with connect(t) as conn:
        st = collect(conn, t)
    _emit(args, st, render(st))
    if not st["deployed"]:  # the status stands on stdout; the error, as for every failing command, on stderr
        _report(args, DatabaseError(f"fieldmap is not deployed in database {st['database']}: run 'make deploy' "
                                    "(or 'sqitch deploy') first"))
        return EXIT_DATABASE
    return 0


def cmd_tenant_add(args: argparse.Namespace) -> int:
    with _connect(args) as conn, conn.transaction():
        tid = migration.call(conn, "create_tenant",
                             {"slug": args.slug, "name": args.name, "if_not_exists": args.if_not_exists},
                             where=f"tenant {args.slug}")[0]["id"]
    _emit(args, {"slug": args.slug, "id": str(tid)}, f"tenant {args.slug}: {tid}")
    return 0


def cmd_tenant_list(args: argparse.Namespace) -> int:
    with _connect(args, read_only=True) as conn:
        rows = migration.call(conn, "list_tenants")
    text = "\n".join(f"{d['slug']:<20} {d['status']:<9} "
                     + (f"{d['connectors']:>4} connectors {d['mappings']:>7} mappings  " if d["connectors"] is not None
                        else "")
                     + d["name"] for d in rows)
    _emit(args, rows, text)
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    uid = _in_tenant(args, "create_user", {"email": args.email, "name": args.name,
                                           "if_not_exists": args.if_not_exists})[0]["id"]
    _emit(args, {"tenant": _tenant(args), "email": args.email, "id": uid}, f"user {args.email}: {uid}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    rows = _in_tenant(args, "list_users", read_only=True)
    _emit(args, rows, "\n".join(f"{r['id']}  {r['email']:<32} {r['status']:<8} {r['name'] or ''}" for r in rows))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    files, unreadable = migration.read_files(args.paths)
    options = {"mode": args.mode, "partial": args.partial, "direction": args.direction,
               "mapping_source": args.mapping_source, "change_reason": args.reason,
               "connector_type": args.connector_type, "details": _json(args) or args.verbose}
    mirror = _mirror(args)
    with _connect(args) as conn:
        result = migration.import_files(conn, tenant, files, options, dry_run=args.dry_run, mirror=mirror,
                                        unreadable=unreadable, new_connectors=args.new_connector)
    reports = result.reports
    mirror_error, mirror_changed, mirror_removed = None, [], []
    if result.staged_mirror is not None:
        mirror_changed = [n for n in result.staged_mirror.changed() if n != migration.MIRROR_MANIFEST]
        mirror_removed = result.staged_mirror.removing()
        try:
            result.staged_mirror.publish()
        except FieldmapError as exc:
            mirror_error = exc
    totals = {k: sum(r[k] for r in reports) for k in ("created", "updated", "unchanged", "deprecated")}
    totals["rejected"] = sum(len(r["rejected"]) for r in reports)
    lines = []
    for r in reports:
        lines.append(f"{r['connector']:<14} created {r['created']:>5}  updated {r['updated']:>5}  unchanged "
                     f"{r['unchanged']:>5}  deprecated {r['deprecated']:>5}  rejected {len(r['rejected']):>3}")
        if args.verbose:
            lines += [f"  {e['action']:<10} {e['entity']}.{e.get('canonical_field') or '?'} <- "
                      f"{e.get('source_table', '?')}.{e.get('source_field', '?')}"
                      + (f" (transform {e['transform']})" if e.get("transform") else "")
                      + (f"  [{e['direction']}]" if e.get("direction") else "") for e in r.get("entries", [])]
        lines += [f"  rejected: {x['reason']}" for x in r["rejected"]]
    lines.append(f"{'total':<14} created {totals['created']:>5}  updated {totals['updated']:>5}  unchanged "
                 f"{totals['unchanged']:>5}  deprecated {totals['deprecated']:>5}  rejected {totals['rejected']:>3}"
                 + ("  (dry run: nothing written)" if args.dry_run else ""))
    if result.mirror_files and mirror_error is None:
        lines.append(f"mirror: {len(mirror_changed)} of {len(result.mirror_files)} files changed in {mirror}"
                     + (f", {len(mirror_removed)} removed ({', '.join(mirror_removed)})" if mirror_removed else ""))
    payload = {"tenant": tenant, "dry_run": args.dry_run, "files": reports, "total": totals,
               "mirror": None if mirror_error else result.mirror_files,
               "mirror_changed": None if mirror_error else mirror_changed,
               "mirror_removed": None if mirror_error else mirror_removed}
    if mirror_error is not None:
        payload["mirror_error"] = str(mirror_error)
    _emit(args, payload, "\n".join(lines))
    if mirror_error is not None:
        _report(args, MirrorNotWritten(f"the import was committed, but the mirror was not written: {mirror_error}; "
                                       f"the next import (or 'fieldmap export --out {mirror}') rewrites it"))
        return EXIT_MIRROR
    if totals["rejected"] and not args.dry_run and not any(r["applied"] for r in reports):
        # nothing was acceptable: nothing written, not even a connector (the database decides: applied false)
        _warn(args, f"{plural(totals['rejected'], 'entry')} rejected and none acceptable: nothing was imported")
        return EXIT_INPUT
    if totals["rejected"]:
        _warn(args, f"{plural(totals['rejected'], 'entry')} rejected (--partial: the others "
                    + ("would be imported; dry run)" if args.dry_run else "were imported)"))
        return EXIT_PARTIAL
    return 0


def _mirror(args: argparse.Namespace) -> Path | None:
    if args.mirror is not None:
        return args.mirror
    return _directory(os.environ["FIELDMAP_MIRROR"]) if os.environ.get("FIELDMAP_MIRROR") else None


def cmd_export(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    with _connect(args, read_only=True) as conn:
        written = migration.export_all(conn, tenant, args.out, args.connector or None)
    text = "\n".join(f"{w['connector']:<14} {w['mappings']:>5} {'mapping' if w['mappings'] == 1 else 'mappings':<8} -> {w['file']}" if w["file"] else
                     f"{w['connector']:<14}     0 mappings: no active mappings, no file written"
                     + (f" ({w['removed']}, an older export, removed)" if w.get("removed") else "") for w in written)
    _emit(args, {"tenant": tenant, "files": written}, text or "no connectors")
    return 0


def cmd_verify_migration(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    files, unreadable = migration.read_files(args.paths)
    with _connect(args, read_only=True) as conn:
        results = migration.compare_files(conn, tenant, files, args.direction, unreadable)
    lines = [f"{'connector':<14} {'yaml':>5} {'db':>5} {'missing':>8} {'extra':>6} {'mismatched':>10}"]
    for r in results:
        lines.append(f"{r['connector']:<14} {r['yaml']:>5} {r['db']:>5} {r['missing_in_database']:>8}"
                     f" {r['missing_in_file']:>6} {r['mismatched']:>10}")
        lines += [f"  {d['difference']}: {d['entity']}.{d['field']}  file: {d['in_file'] or '-'}"
                  f"  database: {d['in_database'] or '-'}" for d in r["differences"]]
    n = sum(len(r["differences"]) for r in results)
    lines.append(f"{plural(sum(r['yaml'] for r in results), 'mapping')} in YAML, "
                 f"{sum(r['db'] for r in results)} in the database, {plural(n, 'difference')}")
    _emit(args, {"tenant": tenant, "connectors": results, "differences": n}, "\n".join(lines))
    return 0 if n == 0 else EXIT_DIFFERENCES


def cmd_grid(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    with _connect(args, read_only=True) as conn, conn.transaction():
        migration.set_context(conn, tenant)
        if args.connector:
            migration.call(conn, "check_connector", {"connector": args.connector})
        rows = migration.call(conn, "lineage_grid", {"limit": args.limit, "connector": args.connector})
        freshness = migration.call(conn, "grid_status", {})[0]
    if freshness["stale"]:  # the rows are the last refresh's: say so, or they pass for the registry
        # one grid serves every tenant, so the change may be another tenant's
        when = (f"last refreshed {freshness['last_refresh_at']:%Y-%m-%d %H:%M:%S%z}"
                if freshness["last_refresh_at"] else "never refreshed")
        _warn(args, f"the grid may be out of date ({when}; one grid serves every tenant, and a mapping changed "
                    "since): pg_cron's fieldmap-refresh-grid job, where installed ('fieldmap cron install'), "
                    "refreshes it within a minute; the owner can run fieldmap.refresh_lineage_grid() now")
    lines = [f"{'source':<12} {'source field':<28} -> {'target':<32} {'type'}"]
    lines += [f"{d['source_system']:<12} {d['source_table'] + '.' + d['source_field']:<28} -> "
              f"{d['target_entity'] + '.' + d['target_field']:<32} {d['mapping_type']}" for d in rows]
    _emit(args, rows, "\n".join(lines))
    return 0


def _mapping_id(conn: psycopg.Connection, args: argparse.Namespace) -> str:
    if args.mapping and (args.connector or args.field):
        raise UsageError("give a mapping id, or --connector and --field, not both")
    if args.mapping:
        try:
            return str(uuid.UUID(args.mapping))
        except ValueError:
            raise UsageError(f"{args.mapping!r} is not a mapping id (a uuid such as the one 'fieldmap export' or "
                             "'fieldmap history --connector C --field ENTITY.FIELD' shows); or give --connector "
                             "and --field") from None
    if not (args.connector and args.field):
        raise UsageError("give a mapping id, or --connector C --field ENTITY.FIELD")
    return migration.call(conn, "find_mapping", {"connector": args.connector, "field": args.field})[0]["id"]


def cmd_history(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    with _connect(args, read_only=True) as conn, conn.transaction():
        migration.set_context(conn, tenant)
        mapping = _mapping_id(conn, args)
        rows = migration.call(conn, "mapping_history", {"mapping": mapping})
    if not rows:
        raise FieldmapError(f"no history for mapping {mapping} in tenant {tenant}")
    lines = [f"mapping {mapping}"]
    for r in rows:
        m = r["mapping"] or {}
        what = (f"{m.get('canonical_entity')}.{m.get('canonical_field')} <- {m.get('source_table')}."
                f"{m.get('source_field')} [{m.get('status')}]") if m else "(deleted)"
        changed = f" changed: {', '.join(r['fields_changed'])}" if r["fields_changed"] else ""
        lines.append(f"  v{r['version'] or '-':<3} {r['action']:<10} {r['changed_at']:%Y-%m-%d %H:%M:%S%z}  {what}"
                     f"{changed}{'  -- ' + r['change_reason'] if r['change_reason'] else ''}")
    _emit(args, {"tenant": tenant, "mapping": mapping, "versions": rows}, "\n".join(lines))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    mirror = _mirror(args)
    staged = None
    with _connect(args) as conn:
        try:
            with conn.transaction():
                migration.set_context(conn, tenant, args.reason)
                mapping = _mapping_id(conn, args)
                before = migration.call(conn, "mapping_version", {"mapping": mapping})
                version = migration.call(conn, "restore_mapping_version",
                                         {"mapping": mapping, "version": args.version})[0]["version"]
                if mirror is not None:  # the mirror follows every change the glue makes
                    staged, _ = migration.stage_mirror(conn, mirror, "restored")
        except BaseException:
            if staged is not None:
                staged.discard()
            raise
    # restoring what is current writes nothing (restore_mapping_version returns the current version)
    changed = not before or before[0]["version"] != version
    payload = {"tenant": tenant, "mapping": mapping, "restored": args.version, "version": version, "changed": changed}
    if changed:
        text = f"mapping {mapping}: version {args.version} restored as version {version}"
    elif version == args.version:
        text = f"mapping {mapping}: version {args.version} is the current version; nothing changed"
    else:
        text = (f"mapping {mapping}: version {args.version} holds what the current version {version} holds; "
                "nothing changed")
    if staged is not None:
        try:
            staged.publish()
        except FieldmapError as exc:
            _emit(args, {**payload, "mirror_error": str(exc)}, text)
            _report(args, MirrorNotWritten(f"the restore was committed, but the mirror was not written: {exc}"))
            return EXIT_MIRROR
    _emit(args, payload, text)
    return 0


def cmd_audit_seal(args: argparse.Namespace) -> int:
    with _connect(args) as conn, conn.transaction():
        if _every_tenant(args):
            sealed = migration.call(conn, "seal_audit_chain", {"tenant": None})[0]["sealed"]
        else:
            tenant = _tenant(args)
            migration.set_context(conn, tenant)
            sealed = migration.call(conn, "seal_audit_chain", {"tenant": tenant})[0]["sealed"]
    scope = "every tenant" if args.all_tenants else f"tenant {args.tenant or os.environ.get('FIELDMAP_TENANT')}"
    _emit(args, {"sealed": sealed, "all_tenants": args.all_tenants}, f"{sealed} audit rows sealed ({scope})")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    # --no-seal writes nothing, so it may run on a read replica (FIELDMAP_READ_URL)
    seal = not args.no_seal
    with _connect(args, read_only=not seal) as conn, conn.transaction():
        if _every_tenant(args):
            rows = migration.call(conn, "verify_all_audit_chains", {"seal": seal})
        else:
            tenant = _tenant(args)
            migration.set_context(conn, tenant)
            rows = migration.call(conn, "verify_audit_chain", {"tenant": tenant, "seal": seal})
    lines = [f"{r['tenant']:<22} {'intact' if r['ok'] else 'BROKEN'}  {r['checked']:>8} rows checked"
             f"  {r['unsealed']:>5} unsealed" + (f"  at position {r['first_broken_pos']}: {r['problem']}"
                                                  if not r["ok"] else "") for r in rows]
    _emit(args, rows, "\n".join(lines))
    return 0 if all(r["ok"] for r in rows) else EXIT_DIFFERENCES


def _cron_place(args: argparse.Namespace) -> tuple[psycopg.Connection, cron.CronPlace]:
    t = _target(args)
    conn = connect(t, autocommit=True)
    return conn, cron.locate(conn, t)


def _job_lines(rows: list[dict]) -> list[str]:
    return [f"{r['job']:<40} {r['action']:<9} {r['schedule']}" for r in rows]


def cmd_cron_install(args: argparse.Namespace) -> int:
    conn, place = _cron_place(args)
    with conn:
        changes = cron.install(conn, place)
    _emit(args, {"cron_database": place.cron_db, "database": place.registry_db, "jobs": changes},
          "\n".join(_job_lines(changes) + [f"pg_cron runs in database {place.cron_db}; "
                                           f"these jobs run in {place.registry_db}"]))
    return 0


def cmd_cron_remove(args: argparse.Namespace) -> int:
    conn, place = _cron_place(args)
    with conn:
        removed = cron.remove(place)
    _emit(args, {"cron_database": place.cron_db, "database": place.registry_db, "jobs": removed},
          "\n".join(_job_lines(removed)) or "no fieldmap jobs for this database")
    return 0


def cmd_cron_list(args: argparse.Namespace) -> int:
    conn, place = _cron_place(args)
    with conn:
        rows = cron.jobs(place)
    lines = [f"{r['name']:<40} {r['schedule']:<12} {'active' if r['active'] else 'inactive':<8} "
             + (f"last run {r['last_start']:%Y-%m-%d %H:%M:%S} {r['last_status']}" if r["last_start"] else "never run")
             for r in rows]
    _emit(args, rows, "\n".join(lines) or "no fieldmap jobs for this database: run 'fieldmap cron install'")
    return 0


def cmd_cron_runs(args: argparse.Namespace) -> int:
    conn, place = _cron_place(args)
    with conn:
        rows = cron.runs(place, args.limit)
    lines = [f"{r['start_time']:%Y-%m-%d %H:%M:%S}  {r['status']:<9} {r['job']:<40} "
             f"{(r['message'] or '').splitlines()[0] if r['message'] else ''}" for r in rows if r["start_time"]]
    _emit(args, rows, "\n".join(lines) or "no runs yet")
    return 0


def _encoder_for(conn: psycopg.Connection, spec: str | None, registered: list[dict] | None = None) -> encoder.Encoder:
    """The model to encode with, checked against the registry (name and
    dimension; `registered` when its row was read already)."""
    enc = encoder.load(spec)
    rows = registered if registered is not None else migration.call(conn, "embedding_model", {"model": enc.name})
    if not rows:
        raise FieldmapError(f"model {enc.name} is not registered: an owner runs "
                            f"SELECT fieldmap.add_embedding_model('{enc.name}', {enc.dims})")
    if rows[0]["dims"] != enc.dims:
        raise FieldmapError(f"model {enc.name} gives {enc.dims} dimensions; the registry has it with {rows[0]['dims']}")
    return enc


def _schema_unembedded(missing: int, may_store: bool, model: str) -> str:
    """The warning when the canonical schema's texts lack vectors: suggestions cannot propose them."""
    return (f"the canonical schema has {plural(missing, 'text')} without a vector of {model}, so suggestions cannot "
            "propose those entities and fields: " + ("run 'fieldmap embed'" if may_store else
                                                     "run 'fieldmap embed' once as the owner (the role that "
                                                     "deployed); no other role is handed them"))


def cmd_embed(args: argparse.Namespace) -> int:
    with connect(_target(args), autocommit=True) as conn:
        allowed = migration.call(conn, "may_store_embeddings")[0]
        if not allowed["may"]:  # said before any counting: a reader with nothing pending was told "0 stored"
            raise for_sqlstate(f"role {allowed['role']} may not store vectors (EXECUTE on fieldmap.put_embeddings): "
                               "run fieldmap embed as a tenant's writer role or the owner", "42501")
        tenants = [args.tenant] if args.tenant else [t["slug"] for t in migration.call(conn, "list_tenants")]
        name = encoder.model_name(args.model)
        registered = migration.call(conn, "embedding_model", {"model": name})
        # unregistered, the model loads to name its dimension in the error
        todo = embed.count(conn, name, tenants) if registered else None
        if todo is not None and todo.nothing():
            run = embed.idle(name, todo)
        else:
            try:
                model = _encoder_for(conn, args.model, registered)
            except KeyboardInterrupt:  # the model takes seconds to load: a cron timeout often lands here
                raise Interrupted("interrupted while the model loaded, before any vector was stored; "
                                  "the work stays pending for the next 'fieldmap embed'") from None
            run = embed.push(conn, model, tenants, args.batch, progress=_progress_bar(args), todo=todo)
    if not run.locked:
        _warn(args, f"another fieldmap embed is running for model {run.model}; nothing done")
        _emit(args, {"model": run.model, "skipped": "another run holds the lock", "tenants": []}, "")
        return 0
    if run.schema_left and not run.schema_ours:
        _warn(args, _schema_unembedded(run.schema_left, False, run.model))
    elif run.schema_left:  # the owner's run stored them first: the entities changed since
        _warn(args, f"the canonical schema has {plural(run.schema_left, 'text')} without a vector of {run.model}: "
                    "its entities changed during this run; run 'fieldmap embed' again")
    rows = [{"tenant": t.scope, "stored": t.stored, "ignored": t.ignored, "batches": t.batches} for t in run.tenants]
    schema = {"stored": run.schema.stored, "ignored": run.schema.ignored, "still_pending": run.schema_left}
    lines = [f"{p.scope:<20} {p.stored:>7} {'vector' if p.stored == 1 else 'vectors'} stored"  # numbers aligned
             + (f"  {p.ignored} computed for a text that changed meanwhile (still pending)" if p.ignored else "")
             for p in ([run.schema] if run.schema.stored or run.schema.ignored else []) + run.tenants]
    _emit(args, {"model": run.model, "schema": schema, "tenants": rows}, "\n".join(lines) or "no tenants")
    return 0


def cmd_vector_indexes(args: argparse.Namespace) -> int:
    with connect(_target(args), autocommit=True) as conn:
        if args.dry_run:
            run = vector_indexes.Run(done=vector_indexes.plan(conn))
        else:
            run = vector_indexes.apply(conn, progress=not _json(args))  # a line per step: fine in a log
    if not run.locked:
        _warn(args, "another fieldmap vector-indexes is running; nothing done")
        _emit(args, {"dry_run": args.dry_run, "skipped": "another run holds the lock", "steps": []}, "")
        return 0
    built = {s["index_name"] for s in run.done if s["action"] == "create"}
    steps = [s for s in run.done if s["action"] != "comment" or s["index_name"] not in built]
    lines = [vector_indexes.describe(s) for s in steps]
    if args.dry_run and steps:
        lines.append("(dry run: nothing built or dropped)")
    _emit(args, {"dry_run": args.dry_run, "steps": run.done},
          "\n".join(lines) or "every tenant and connector has the vector indexes it needs")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    if not args.text.strip() or len(args.text) > 1000:
        raise InputError("the search text must be 1 to 1000 characters")
    filters = {k: v for k, v in (("connector", args.connector), ("entity", args.entity), ("status", args.status),
                                 ("min_confidence", args.min_confidence)) if v is not None}
    from pgvector.psycopg import register_vector
    with _connect(args, read_only=True) as conn:
        register_vector(conn)
        migration.call_in_tenant(conn, tenant, "search_filters", {"filters": json.dumps(filters)}, f"tenant {tenant}")
        enc = _encoder_for(conn, None)
        words = migration.call(conn, "name_words", {"text": args.text})[0]["words"] or args.text
        with conn.transaction():
            migration.set_context(conn, tenant)
            rows = migration.call(conn, "search_similar", {"query": enc.encode([words])[0], "k": args.k,
                                                           "filters": json.dumps(filters)})
    lines = [f"{r['similarity']:.3f}  {r['connector']:<12} {r['source_table'] + '.' + r['source_field']:<36} -> "
             f"{r['canonical_entity']}.{r['canonical_field']}  [{r['status']}]" for r in rows]
    nothing = (f"no mapping with an embedding matches {json.dumps(filters)}" if filters
               else "no mappings with embeddings (run fieldmap embed)")
    _emit(args, rows, "\n".join(lines) or nothing)
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    if args.fields and (args.table or args.field or args.type):
        raise UsageError("give --fields FILE, or --table and --field, not both")
    if args.out and not args.fields:
        raise UsageError("--out writes the proposal file of a field list: give --fields FILE")
    if args.force and not args.out:
        raise UsageError("--force lets --out replace a file: give --out FILE too")
    misnamed = _check_proposal_file(args) if args.out else None
    if args.fields:
        fields = suggest.read_field_list(args.fields)
    elif args.table and args.field:
        fields = [suggest.SourceField(args.table, args.field, args.type)]
    else:
        raise UsageError("give --table T --field F (one field), or --fields FILE (a connector's field list)")
    with _connect(args, read_only=True) as conn:
        with conn.transaction():  # before the model loads: a typo is said at once
            migration.set_context(conn, tenant)
            _, closest = migration.new_connector(conn, args.connector, f"--connector {args.connector}")
        if closest:
            _warn(args, f"tenant {tenant} has no connector {args.connector} (did you mean {closest}?): proposing "
                        f"for a new connector, so nothing is checked against {closest}'s mappings")
        enc = _encoder_for(conn, None)
        pending = migration.call_in_tenant(conn, tenant, "mappings_without_vector", {"model": enc.name},
                                           f"tenant {tenant}")[0]["pending"]
        if pending:
            _warn(args, f"{pending} of tenant {tenant}'s mappings {'has' if pending == 1 else 'have'} no vector yet, "
                        f"so suggestions do not draw on them: run 'fieldmap embed --tenant {tenant}' first "
                        "(as a writer or the owner)")
        schema = migration.call(conn, "schema_embeddings_missing", {"model": enc.name})[0]
        if schema["missing"]:
            _warn(args, _schema_unembedded(schema["missing"], schema["may_store"], enc.name))
        if not args.fields:
            props = suggest.suggest(conn, enc, tenant, args.connector, fields, args.k)[(args.table, args.field)]
            lines = [f"{p['rank']}. {p['target']:<32} confidence {suggest.why(p)}" for p in props]
            _emit(args, props, "\n".join(lines) or f"{args.table}.{args.field}: nothing fits (no proposal)")
            return 0
        rows = suggest.propose(conn, enc, tenant, args.connector, fields, args.k)
    text, summary = suggest.proposal(args.connector, fields, rows, str(args.fields), tenant)
    if args.out:
        stage_files(args.out.parent, {args.out.name: text}).publish()
        _emit(args, {**summary, "file": str(args.out)},
              f"{args.out}: {summary['proposed']} proposed ({summary['confident']} confident, the rest marked CHECK; "
              f"{sum(bool(p['replaces']) for p in summary['proposals'])} marked REPLACES), "
              f"{len(summary['not_proposed'])} left for a human")
        if misnamed:
            _warn(args, misnamed)
    else:
        _emit(args, {**summary, "yaml": text}, text.rstrip("\n"))
    return 0


def _check_proposal_file(args: argparse.Namespace) -> str | None:
    """--out: a new file, in a directory that exists, not the field list.
    Returns a warning for after it is written, when its name is not the
    connector's (import takes the connector from it)."""
    out = args.out
    if str(out) == "-":
        raise UsageError("--out - : leave --out out to print the proposal")
    if out.suffix not in migration.SUFFIXES:
        raise UsageError(f"--out {out}: name it {args.connector}.yaml, a file import reads")
    if args.fields.exists() and out.exists() and os.path.samefile(out, args.fields):
        raise UsageError(f"--out {out} is the field list itself: write the proposal to another file")
    if not out.parent.is_dir():
        raise InputError("is a file, not a directory" if out.parent.exists() else "no such directory",
                         where=str(out.parent))
    if out.is_dir() or (out.exists() and not out.is_file()):
        raise InputError("is not a regular file, so it cannot be replaced", where=str(out))
    if (out.exists() or out.is_symlink()) and not args.force:
        raise InputError("exists (a proposal under review?): give --force to replace it", where=str(out))
    stage_files(out.parent, {}).discard()  # a directory that takes no file is said now, not after the work (about 9 s)
    if out.stem != args.connector:
        return (f"import takes the connector from the file's name: {out.name} would import as connector "
                f"{out.stem!r}, not {args.connector!r}; save it as {args.connector}.yaml to import it")
    return None


def cmd_accept(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    entity, _, field = args.target.partition(".")
    if not entity or not field:
        raise UsageError(f"--target must be entity.field, not {args.target!r}")
    empty = [option for option, value in (("--table", args.table), ("--field", args.field)) if not value.strip()]
    if empty:
        raise UsageError(f"{' and '.join(empty)} must name the source, not be empty")
    spec = {"source": args.field, "source_table": args.table}
    if args.confidence is not None:
        spec["confidence"] = args.confidence
    doc = {entity: {"fields": {field: spec}}}
    with _connect(args) as conn, conn.transaction():
        migration.set_context(conn, tenant, args.reason or "accepted suggestion")
        new, closest = migration.new_connector(conn, args.connector, f"--connector {args.connector}")
        if closest and not args.new_connector:  # most likely a typo: write nothing
            raise InputError(f"tenant {tenant} has no connector {args.connector} (did you mean {closest}?); "
                             "give --new-connector to create it", where=f"--connector {args.connector}")
        before = migration.call(conn, "target_source", {"connector": args.connector, "entity": entity, "field": field})
        report = migration.call(conn, "import_mappings",
                                {"connector": args.connector, "doc": json.dumps(doc), "mode": "merge",
                                 "partial": False, "direction": "canonical-first", "mapping_source": "rag",
                                 "change_reason": args.reason, "connector_type": "rest_api", "details": False},
                                where=f"{args.table}.{args.field}")[0]["report"]
        if report["rejected"]:  # the database refused it (unknown target, ...): nothing is written
            raise InputError(report["rejected"][0]["reason"], where=f"{args.table}.{args.field} -> {args.target}")
    if new:  # said once it is so: a typo would otherwise make a connector of its own unseen
        _warn(args, f"connector {args.connector} is new to tenant {tenant}: it was created")
    action = next((a for a in ("created", "updated", "unchanged") if report.get(a)), "unchanged")
    was = f"{before[0]['source_table']}.{before[0]['source_field']}" if before else None
    replaced = was if was and was != f"{args.table}.{args.field}" else None
    if replaced:  # one source a target: the other is no longer read (its history keeps it)
        _warn(args, f"the source of {args.target} was {replaced} until now, and is {args.table}.{args.field} "
                    f"('fieldmap history --connector {args.connector} --field {args.target}' shows both)")
    _emit(args, {"tenant": tenant, "connector": args.connector, "target": args.target, "action": action,
                 "replaced": replaced, "mapping_source": "rag"},
          f"{args.connector}: {args.table}.{args.field} -> {args.target} {action}"
          + (f", replacing source {replaced}" if replaced else "") + " (mapping_source rag)")
    return 0


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {value}")
    return value


def cmd_eval_suggest(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    items = suggest.read_eval_items(args.file)
    with _connect(args, read_only=True) as conn:
        suggest.check_eval_labels(conn, args.file, items)
        enc = _encoder_for(conn, None)
        report = suggest.evaluate(conn, enc, tenant, items)
    lines = [f"{'':<12} {'items':>5} {'top-1':>6} {'top-3':>6} {'MRR':>6}"]
    for name in ("all", "trivial", "non_trivial"):
        r = report[name]
        lines.append(f"{name:<12} {r['items']:>5} " + " ".join(f"{r[k] if r[k] is not None else '-':>6}"
                                                               for k in ("top1", "top3", "mrr")))
    share = report["no_target"]["proposed_confident"]
    lines.append(f"no target: {plural(report['no_target']['items'], 'item')}, "
                 + (f"{share:.0%}" if share is not None else "-") + f" proposed with confidence >= {suggest.CONFIDENT}")
    precision = report["confident"]["precision"]
    lines.append(f"confidence >= {suggest.CONFIDENT}: {report['confident']['proposals']} proposals, precision "
                 f"{precision if precision is not None else '-'}")
    if args.verbose:
        lines += [f"  miss: {m['item']}: expected {m['expected']}, got {m['got']} ({m['confidence']})"
                  for m in report["misses"]]
    _emit(args, report, "\n".join(lines))
    return 0


# --- the parser --------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors as JSON under --json, a guess at what a
    mistyped command or option meant, and an unknown option reported by the
    command it was given to (argparse reports it from the top, with the
    top-level usage, which does not list the command's options)."""

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            owner = _command_parser(self, parsed)
            owner.error(f"unrecognized arguments: {' '.join(extras)}"
                        + _guess(extras[0], list(owner._option_string_actions)))
        return parsed

    def error(self, message: str) -> None:  # type: ignore[override]
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)$", message)
        if choice:  # the choices are quoted up to Python 3.11, bare after
            message += _guess(choice[1], [c.strip().strip("'") for c in choice[2].split(",")])
        if "--json" in sys.argv[1:]:
            print(json.dumps({"error": {"code": "usage", "message": message, "where": None, "sqlstate": None,
                                        "exit": 2, "problems": []}}), file=sys.stderr)
            self.exit(2)
        super().error(message)


def _command_parser(parser: argparse.ArgumentParser, parsed: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the (sub)command the parsed arguments name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and getattr(parsed, action.dest, None) in action.choices:
            return _command_parser(action.choices[getattr(parsed, action.dest)], parsed)
    return parser


def _guess(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def build_parser() -> argparse.ArgumentParser:
    # the common options are accepted before and after the command; SUPPRESS
    # keeps a subcommand's unset copy from overwriting the global one
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print machine-readable JSON (errors: one JSON object on stderr)")
    common.add_argument("--db-url", metavar="URL", default=argparse.SUPPRESS,
                        help="the database (default: $FIELDMAP_DATABASE_URL, $DATABASE_URL, else the local cluster)")
    tenant = _Parser(add_help=False)
    tenant.add_argument("--tenant", help="tenant slug or id (default: $FIELDMAP_TENANT)")
    direction = _Parser(add_help=False)
    direction.add_argument("--direction", default="auto", choices=["auto", "canonical-first", "source-first"],
                           help="how field entries are written (default: detect per entity)")
    by_field = _Parser(add_help=False)
    by_field.add_argument("mapping", nargs="?", help="the mapping's id (or use --connector and --field)")
    by_field.add_argument("--connector", help="the connector of the mapping")
    by_field.add_argument("--field", metavar="ENTITY.FIELD", help="the canonical field it maps, e.g. opportunity.stage")
    scope = _Parser(add_help=False)
    scope.add_argument("--all-tenants", action="store_true", help="every tenant (needs the owner's rights)")

    p = _Parser(prog="fieldmap", description="PostgreSQL-native field-mapping registry",
                                parents=[common], epilog=f"{ENVIRONMENT}\n\n{EXITS}",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"fieldmap {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(parent: argparse._SubParsersAction, name: str, func: Callable[[argparse.Namespace], int], help: str,
                parents: tuple = ()) -> argparse.ArgumentParser:
        cmd = parent.add_parser(name, parents=[common, *parents], help=help, description=help,
                                epilog=f"{ENVIRONMENT}\n\n{EXITS}", formatter_class=argparse.RawDescriptionHelpFormatter)
        cmd.set_defaults(func=func)
        return cmd

    def group(name: str, help: str) -> argparse._SubParsersAction:
        g = sub.add_parser(name, parents=[common], help=help, description=help, epilog=f"{ENVIRONMENT}\n\n{EXITS}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        return g.add_subparsers(dest=f"{name}_command", required=True, metavar="SUBCOMMAND")

    ent = group("entities", "canonical entity definitions")
    load = command(ent, "load", cmd_entities_load, "load canonical entities from a YAML file (owner)")
    load.add_argument("file", help="YAML file: entity -> {description, fields: {field: type[!]}}")
    load.add_argument("--version", default="1.0.0", help="entity version to load as (default 1.0.0)")

    command(sub, "status", cmd_status, "deployed changes, tables, tenants, grid, audit, pg_cron")

    ten = group("tenant", "tenants")
    add = command(ten, "add", cmd_tenant_add, "create a tenant (owner)")
    add.add_argument("slug", help="1 to 63 lowercase letters, digits, _ and -")
    add.add_argument("--name", help="display name (default: the slug)")
    add.add_argument("--if-not-exists", action="store_true", help="succeed when the tenant exists already")
    command(ten, "list", cmd_tenant_list, "list tenants with their connectors and mappings")

    usr = group("user", "users of a tenant (the actors the audit trail records)")
    uadd = command(usr, "add", cmd_user_add, "add a user to a tenant (owner)", (tenant,))
    uadd.add_argument("email", help="the user's e-mail address")
    uadd.add_argument("--name", help="display name")
    uadd.add_argument("--if-not-exists", action="store_true", help="succeed when the user exists already")
    command(usr, "list", cmd_user_list, "list a tenant's users with their ids", (tenant,))

    imp = command(sub, "import", cmd_import, "import mapping YAML files (one connector per file)", (tenant, direction))
    imp.add_argument("paths", nargs="+", metavar="PATH", help="YAML file; its name without .yaml is the connector")
    imp.add_argument("--mode", default="merge", choices=["merge", "replace"],
                     help="merge (default): add and update; replace: also deprecate (never delete) the "
                          "mappings a file no longer names")
    imp.add_argument("--dry-run", action="store_true", help="do the import and roll it back: exact counts, nothing written")
    imp.add_argument("--partial", action="store_true",
                     help=f"import the good entries, report the rest (exit {EXIT_PARTIAL} when some are rejected, "
                          f"{EXIT_INPUT} when all are)")
    imp.add_argument("--mapping-source", default="manual", choices=["manual", "rag", "llm", "auto_detected"],
                     help="mapping_source of created mappings and of those given a new source (default manual)")
    imp.add_argument("--reason", help="change reason recorded in the audit trail")
    imp.add_argument("--connector-type", default="rest_api", choices=["rest_api", "database", "file"],
                     help="type of connectors this import creates (default rest_api)")
    imp.add_argument("--mirror", metavar="DIR", type=_directory,
                     help="dual-write: rewrite DIR/<connector>.yaml from the database (default: $FIELDMAP_MIRROR)")
    imp.add_argument("-v", "--verbose", action="store_true", help="list every entry with its action and direction")
    imp.add_argument("--new-connector", action="store_true",
                     help="create a file's connector although the tenant has one of a close name (else refused "
                          "as a misspelt file name)")

    exp = command(sub, "export", cmd_export, "write each connector's mappings as YAML (all files or none)", (tenant,))
    exp.add_argument("--out", required=True, metavar="DIR", type=_directory,
                     help="directory to write <connector>.yaml into")
    exp.add_argument("--connector", action="append", help="only this connector (repeatable)")

    ver = command(sub, "verify-migration", cmd_verify_migration,
                  "compare YAML files with the database; exit 0 only with zero differences", (tenant, direction))
    ver.add_argument("paths", nargs="+", metavar="PATH", help="YAML file; its name without .yaml is the connector")

    grid = command(sub, "grid", cmd_grid,
                   "show the tenant's lineage grid (as of its last refresh: fieldmap.refresh_lineage_grid(), owner)",
                   (tenant,))
    grid.add_argument("--limit", type=_positive, default=20, help="at most this many rows (default 20)")
    grid.add_argument("--connector", help="only this connector's rows")

    command(sub, "history", cmd_history, "every version of a mapping (writer or auditor)", (tenant, by_field))
    rst = command(sub, "restore", cmd_restore, "make an earlier version of a mapping current again (writer)",
                  (tenant, by_field))
    rst.add_argument("--version", type=_positive, required=True, help="the version to restore")
    rst.add_argument("--reason", help="change reason recorded in the audit trail")
    rst.add_argument("--mirror", metavar="DIR", type=_directory,
                     help="rewrite the YAML mirror DIR from the database too (default: $FIELDMAP_MIRROR)")

    emb = command(sub, "embed", cmd_embed, "compute and store the vectors that are pending (safe to run from cron)")
    emb.add_argument("--tenant", help="only this tenant (default: every tenant this role may act for)")
    emb.add_argument("--model", metavar="NAME|PATH",
                     help=f"a local sentence-transformers model directory (default: {encoder.DEFAULT_MODEL}, packaged)")
    emb.add_argument("--batch", type=_one_to(100_000), default=512,  # pending_embeddings' limit
                     help="texts per database round trip, 1 to 100000 (default 512)")

    vix = command(sub, "vector-indexes", cmd_vector_indexes,
                  "build (and drop) the HNSW indexes of large tenants and connectors that search needs (owner; for cron)")
    vix.add_argument("--dry-run", action="store_true", help="list what would be built or dropped; change nothing")

    srch = command(sub, "search", cmd_search, "mappings similar to a text (semantic search)", (tenant,))
    srch.add_argument("text", help="what to look for, e.g. 'closing date of a deal'")
    srch.add_argument("--k", type=_one_to(1000), default=10,  # search_similar's limit
                      help="how many, 1 to 1000 (default 10)")
    srch.add_argument("--connector", help="only this connector's mappings")
    srch.add_argument("--entity", help="only mappings of this canonical entity")
    srch.add_argument("--status", choices=["active", "deprecated", "pending_review"], help="only mappings in this status")
    srch.add_argument("--min-confidence", type=_confidence, help="only mappings at least this confident (0 to 1)")

    sug = command(sub, "suggest", cmd_suggest,
                  "propose canonical fields for a source field, or a connector's whole field list", (tenant,))
    sug.add_argument("--connector", required=True, help="the (new) connector")
    sug.add_argument("--table", help="the source table (object) of the field")
    sug.add_argument("--field", help="the source field")
    sug.add_argument("--type", help="the source field's type as the vendor names it (string, date, lookup, ...)")
    sug.add_argument("--fields", metavar="FILE", type=Path, help="a field list: YAML list or CSV of table, field, type")
    sug.add_argument("--out", metavar="FILE", type=Path,
                     help="write the proposal (import format) here instead of printing it")
    sug.add_argument("--force", action="store_true", help="let --out replace an existing file")
    sug.add_argument("--k", type=_one_to(50), default=3,  # suggest_fields' and propose_mappings' limit
                     help="proposals per field, 1 to 50 (default 3); with --fields, how far a field whose best "
                          "target went to another may fall back")

    acc = command(sub, "accept", cmd_accept, "store one accepted suggestion (mapping_source rag)", (tenant,))
    acc.add_argument("--connector", required=True, help="the connector")
    acc.add_argument("--table", required=True, help="the source table")
    acc.add_argument("--field", required=True, help="the source field")
    acc.add_argument("--target", required=True, metavar="ENTITY.FIELD", help="the accepted canonical field")
    acc.add_argument("--confidence", type=_confidence, help="the suggestion's confidence (0 to 1)")
    acc.add_argument("--reason", help="change reason recorded in the audit trail")
    acc.add_argument("--new-connector", action="store_true",
                     help="create --connector although the tenant has one of a close name (else refused as a typo)")

    ev = command(sub, "eval-suggest", cmd_eval_suggest,
                 "score suggestions against a labelled set (top-1, top-3, MRR, abstention, precision)", (tenant,))
    ev.add_argument("file", type=Path, help="YAML list of connector, source_table, source_field, source_type, "
                                            "expected (entity.field or null), also_ok")
    ev.add_argument("-v", "--verbose", action="store_true", help="list every miss")

    crn = group("cron", "pg_cron jobs of this registry (seal, purge, grid refresh, nightly validation)")
    command(crn, "install", cmd_cron_install, "make pg_cron's jobs for this database exactly fieldmap.cron_jobs()")
    command(crn, "list", cmd_cron_list, "this database's jobs with their last run")
    command(crn, "remove", cmd_cron_remove, "remove this database's jobs from pg_cron")
    runs = command(crn, "runs", cmd_cron_runs, "recent runs of this database's jobs, failures first")
    runs.add_argument("--limit", type=_positive, default=20, help="at most this many runs (default 20)")

    aud = group("audit", "the tamper-evident audit chain")
    command(aud, "seal", cmd_audit_seal, "append committed audit rows to their tenant's hash chain", (tenant, scope))
    verify = command(aud, "verify", cmd_audit_verify, "check a tenant's audit chain (auditor; seals first)",
                     (tenant, scope))
    verify.add_argument("--no-seal", action="store_true",
                        help="check only what is sealed: writes nothing, so it runs on a read replica too")
    return p


def _report(args: argparse.Namespace, exc: FieldmapError) -> None:
    if _json(args):
        print(json.dumps({"error": exc.as_dict()}), file=sys.stderr)
    elif isinstance(exc, Rejected):
        for line in exc.lines():
            print(f"fieldmap: error: {line}", file=sys.stderr)
    else:
        print(f"fieldmap: error: {exc}", file=sys.stderr)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (timeout, systemd, cron) stops a command as Ctrl-C does: psycopg
    then cancels the statement running on the server, where a killed client
    would leave it running (an index build holding its lock for minutes)."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminated)
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        code = func(args)
        if sys.stdout is not None:
            sys.stdout.flush()
        return code
    except FieldmapError as exc:
        _report(args, exc)
        return exc.exit_code
    except psycopg.Error as exc:  # a server error no command translated: still one line
        error = from_db_error(exc)
        _report(args, error)
        return error.exit_code
    except BrokenPipeError:
        # the reader went away (| head): no message; stdout to /dev/null so the exit flush is quiet too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE
    except KeyboardInterrupt:
        _report(args, Interrupted("interrupted; what was committed stands"))
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
