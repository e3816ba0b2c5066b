"""A small reader for consumers of the registry during the dual-write period.

It reads a connector's mappings from the database (fieldmap.export_mappings)
and falls back to the YAML mirror when the database cannot be reached,
logging the fallback. FIELDMAP_READ_FROM=yaml makes it read the mirror only
(the rollback switch). The database is FIELDMAP_READ_URL when set (a read
replica), else the one the CLI would use."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import psycopg

from .db import connect, target
from .errors import DatabaseError, InputError, UnreachableError
from .files import is_plain_file_name
from .migration import export_connector, set_context
from .yamlio import load_yaml_mapping

log = logging.getLogger("fieldmap.reader")


def _unreachable(exc: Exception) -> bool:
    return isinstance(exc, (UnreachableError, psycopg.OperationalError))


class MappingReader:
    def __init__(self, tenant: str, mirror_dir: str | Path | None = None, database_url: str | None = None) -> None:
        self.tenant = tenant
        mirror = mirror_dir or os.environ.get("FIELDMAP_MIRROR")
        self.mirror_dir = Path(mirror) if mirror else None
        self.database_url = database_url or os.environ.get("FIELDMAP_READ_URL")

    def mappings(self, connector: str) -> dict:
        """The connector's mappings in the mapping-document shape: {entity: {fields: {...}}}."""
        if os.environ.get("FIELDMAP_READ_FROM", "database") == "yaml":
            return self._from_mirror(connector)
        try:
            conn = connect(target(self.database_url, quiet=True))
            with conn, conn.transaction():
                set_context(conn, self.tenant)
                return export_connector(conn, connector) or {}  # no active mappings: no document
        except (DatabaseError, psycopg.OperationalError) as exc:
            # only an unreachable database falls back; a refusal (unknown
            # tenant, not allowed, not deployed) is an answer, not an outage
            if self.mirror_dir is None or not _unreachable(exc):
                raise
            log.warning("fieldmap: database unavailable (%s); reading %s from the YAML mirror %s",
                        exc, connector, self.mirror_dir)
            return self._from_mirror(connector)

    def _from_mirror(self, connector: str) -> dict:
        if self.mirror_dir is None:
            raise DatabaseError("no YAML mirror configured (FIELDMAP_MIRROR)")
        if not is_plain_file_name(f"{connector}.yaml") or not connector:
            raise InputError(f"connector {connector!r} names no file of the mirror")
        return load_yaml_mapping(self.mirror_dir / f"{connector}.yaml")
