"""The `fieldmap` command: thin wrappers around the stored functions.

Every command prints one clear line on error (never a traceback), exits
non-zero (see errors.py for the codes), and takes --json for scripts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable

import psycopg

from . import __version__, migration
from .db import connect, describe_db_error
from .entities import load_entities
from .errors import EXIT_DATABASE, EXIT_DIFFERENCES, FieldmapError, InputError
from .queries import query
from .status import collect, render


def _emit(args: argparse.Namespace, payload: object, text: str) -> None:
    if args.json:
        print(json.dumps(payload, indent=2, default=str))
    else:
        print(text)


def cmd_entities_load(args: argparse.Namespace) -> int:
    with connect() as conn:
        rows = load_entities(conn, args.file, args.version)
    created = sum(r["action"] == "created" for r in rows)
    text = "\n".join(f"{r['action']:<9} {r['entity']} {r['version']}" for r in rows)
    text += f"\n{args.file}: {len(rows)} entities, {created} created, {len(rows) - created} unchanged"
    _emit(args, {"file": args.file, "entities": rows, "created": created,
                 "unchanged": len(rows) - created}, text)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with connect() as conn:
        st = collect(conn)
    _emit(args, st, render(st))
    return 0


def _tenant(args: argparse.Namespace) -> str:
    tenant = args.tenant or os.environ.get("FIELDMAP_TENANT")
    if not tenant:
        raise InputError("no tenant: pass --tenant SLUG (or set FIELDMAP_TENANT)")
    return tenant


def cmd_import(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    files = migration.read_files(args.paths)
    options = {"mode": args.mode, "dry_run": args.dry_run, "direction": args.direction,
               "mapping_source": args.mapping_source, "partial": args.partial}
    if args.reason:
        options["change_reason"] = args.reason
    if args.connector_type:
        options["connector_type"] = args.connector_type
    mirror = args.mirror or os.environ.get("FIELDMAP_MIRROR")
    with connect() as conn:
        reports = migration.import_files(conn, tenant, files, options)
        mirrored = []
        if mirror and not args.dry_run:
            mirrored = migration.export_all(conn, tenant, Path(mirror), [f.connector for f in files])
    totals = {k: sum(r[k] for r in reports) for k in ("created", "updated", "unchanged", "deprecated")}
    totals["rejected"] = sum(len(r["rejected"]) for r in reports)
    lines = [f"{r['connector']:<14} created {r['created']:>5}  updated {r['updated']:>5}  unchanged {r['unchanged']:>5}"
             f"  deprecated {r['deprecated']:>5}  rejected {len(r['rejected']):>3}" for r in reports]
    for r in reports:
        lines += [f"  rejected: {x['reason']}" for x in r["rejected"]]
    lines.append(f"{'total':<14} created {totals['created']:>5}  updated {totals['updated']:>5}  unchanged "
                 f"{totals['unchanged']:>5}  deprecated {totals['deprecated']:>5}  rejected {totals['rejected']:>3}"
                 + ("  (dry run: nothing written)" if args.dry_run else ""))
    if mirrored:
        lines.append(f"mirror: {len(mirrored)} files rewritten in {mirror}")
    _emit(args, {"tenant": tenant, "files": reports, "total": totals, "mirror": mirrored}, "\n".join(lines))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    with connect() as conn:
        written = migration.export_all(conn, tenant, Path(args.out), args.connector or None)
    text = "\n".join(f"{w['connector']:<14} {w['mappings']:>5} mappings -> {w['file']}" for w in written)
    _emit(args, {"tenant": tenant, "files": written}, text or "no connectors")
    return 0


def cmd_verify_migration(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    files = migration.read_files(args.paths)
    with connect() as conn:
        results = migration.compare_files(conn, tenant, files, args.direction)
    lines = [f"{'connector':<14} {'yaml':>5} {'db':>5} {'missing':>8} {'extra':>6} {'mismatched':>10}"]
    for r in results:
        lines.append(f"{r['connector']:<14} {r['yaml']:>5} {r['db']:>5} {r['missing_in_database']:>8}"
                     f" {r['missing_in_file']:>6} {r['mismatched']:>10}")
        lines += [f"  {d['difference']}: {d['entity']}.{d['field']}  file: {d['in_file'] or '-'}"
                  f"  database: {d['in_database'] or '-'}" for d in r["differences"]]
    n = sum(len(r["differences"]) for r in results)
    lines.append(f"{sum(r['yaml'] for r in results)} mappings in YAML, {sum(r['db'] for r in results)} in the database,"
                 f" {n} differences")
    _emit(args, {"tenant": tenant, "connectors": results, "differences": n}, "\n".join(lines))
    return 0 if n == 0 else EXIT_DIFFERENCES


def cmd_tenant_add(args: argparse.Namespace) -> int:
    with connect() as conn:
        try:
            tid = conn.execute(query("create_tenant"), {"slug": args.slug, "name": args.name,
                                                        "if_not_exists": args.if_not_exists}).fetchone()[0]
        except (psycopg.DataError, psycopg.IntegrityError) as exc:
            raise InputError(describe_db_error(exc), where=f"tenant {args.slug}") from None
        conn.commit()
    _emit(args, {"slug": args.slug, "id": str(tid)}, f"tenant {args.slug}: {tid}")
    return 0


def cmd_tenant_list(args: argparse.Namespace) -> int:
    with connect() as conn:
        rows = conn.execute(query("list_tenants")).fetchall()
    data = [{"slug": r[0], "name": r[1], "status": r[2], "id": str(r[3]), "connectors": r[4], "mappings": r[5]}
            for r in rows]
    text = "\n".join(f"{d['slug']:<20} {d['status']:<9} {d['connectors']:>4} connectors {d['mappings']:>7} mappings"
                     f"  {d['name']}" for d in data)
    _emit(args, data, text)
    return 0


def cmd_grid(args: argparse.Namespace) -> int:
    tenant = _tenant(args)
    with connect() as conn:
        conn.execute(query("refresh_grid"))
        conn.commit()
        with conn.transaction():
            migration.set_context(conn, tenant)
            rows = conn.execute(query("lineage_sample"), {"limit": args.limit}).fetchall()
    data = [dict(zip(("source_system", "source_table", "source_field", "target_entity", "target_field",
                      "mapping_type"), r)) for r in rows]
    lines = [f"{'source':<12} {'source field':<28} -> {'target':<32} {'type'}"]
    lines += [f"{d['source_system']:<12} {d['source_table'] + '.' + d['source_field']:<28} -> "
              f"{d['target_entity'] + '.' + d['target_field']:<32} {d['mapping_type']}" for d in data]
    _emit(args, data, "\n".join(lines))
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")

    p = argparse.ArgumentParser(prog="fieldmap", description="PostgreSQL-native field-mapping registry",
                                parents=[common])
    p.add_argument("--version", action="version", version=f"fieldmap {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ent = sub.add_parser("entities", help="canonical entity definitions")
    ent_sub = ent.add_subparsers(dest="entities_command", required=True, metavar="SUBCOMMAND")
    load = ent_sub.add_parser("load", parents=[common], help="load canonical entities from a YAML file")
    load.add_argument("file", help="YAML file: entity -> {description, fields: {field: type[!]}}")
    load.add_argument("--version", default="1.0.0", help="entity version to load as (default 1.0.0)")
    load.set_defaults(func=cmd_entities_load)

    st = sub.add_parser("status", parents=[common], help="deployed changes, tables, tenants, grid, cron jobs")
    st.set_defaults(func=cmd_status)

    tenant = argparse.ArgumentParser(add_help=False)
    tenant.add_argument("--tenant", help="tenant slug or id (default: $FIELDMAP_TENANT)")
    direction = argparse.ArgumentParser(add_help=False)
    direction.add_argument("--direction", default="auto", choices=["auto", "canonical-first", "source-first"],
                           help="how field entries are written (default: detect per entity)")

    imp = sub.add_parser("import", parents=[common, tenant, direction], help="import legacy YAML mapping files")
    imp.add_argument("paths", nargs="+", metavar="PATH", help="YAML file; its name (without .yaml) is the connector")
    imp.add_argument("--mode", default="merge", choices=["merge", "replace"],
                     help="replace: mappings missing from a file are deprecated (never deleted)")
    imp.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    imp.add_argument("--partial", action="store_true", help="import the good entries of a file, report the rest")
    imp.add_argument("--mapping-source", default="manual", help="mapping_source of created mappings")
    imp.add_argument("--reason", help="change reason recorded in the audit trail")
    imp.add_argument("--connector-type", choices=["rest_api", "database", "file"], help="for connectors created now")
    imp.add_argument("--mirror", metavar="DIR", help="dual-write: rewrite DIR/<connector>.yaml from the database")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", parents=[common, tenant], help="write each connector's mappings as YAML")
    exp.add_argument("--out", required=True, metavar="DIR")
    exp.add_argument("--connector", action="append", help="only this connector (repeatable)")
    exp.set_defaults(func=cmd_export)

    ver = sub.add_parser("verify-migration", parents=[common, tenant, direction],
                         help="compare YAML files with the database; exit 0 only with zero differences")
    ver.add_argument("paths", nargs="+", metavar="PATH")
    ver.set_defaults(func=cmd_verify_migration)

    ten = sub.add_parser("tenant", help="tenants")
    ten_sub = ten.add_subparsers(dest="tenant_command", required=True, metavar="SUBCOMMAND")
    add = ten_sub.add_parser("add", parents=[common], help="create a tenant")
    add.add_argument("slug")
    add.add_argument("--name")
    add.add_argument("--if-not-exists", action="store_true")
    add.set_defaults(func=cmd_tenant_add)
    lst = ten_sub.add_parser("list", parents=[common], help="list tenants")
    lst.set_defaults(func=cmd_tenant_list)

    grid = sub.add_parser("grid", parents=[common, tenant], help="refresh the lineage grid and show a tenant's rows")
    grid.add_argument("--limit", type=int, default=20)
    grid.set_defaults(func=cmd_grid)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except FieldmapError as exc:
        print(f"fieldmap: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except psycopg.Error as exc:
        print(f"fieldmap: database error: {describe_db_error(exc)}", file=sys.stderr)
        return EXIT_DATABASE
    except KeyboardInterrupt:
        print("fieldmap: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
