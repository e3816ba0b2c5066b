"""The `fieldmap` command: thin wrappers around the stored functions.

Every command prints one clear line on error (never a traceback), exits
non-zero (see errors.py for the codes), and takes --json for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable

import psycopg

from . import __version__
from .db import connect, describe_db_error
from .entities import load_entities
from .errors import EXIT_DATABASE, FieldmapError
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

    st = sub.add_parser("status", parents=[common], help="deployed changes, tables and row counts, extensions")
    st.set_defaults(func=cmd_status)
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
