"""What `fieldmap status` reports: the server, whether fieldmap is deployed,
tables with row counts, per tenant its mappings, embeddings (of the default
model, and how many are still to embed), the canonical schema's texts
without a vector, lineage grid
and unsealed audit rows, the tenants' HNSW indexes still to build or drop
(owner), and where pg_cron runs. Read-only."""

from __future__ import annotations

import psycopg
from psycopg import sql

from . import cron
from .db import Target
from .errors import FieldmapError, from_db_error
from .queries import query
from .words import plural

# what "this role may not read it" looks like: no privilege, no tenant in
# context (or not its own), or an object a database deployed at an earlier
# change lacks. Any other error is real and is reported, not hidden.
UNREADABLE = {"42501", "MR003", "42P01", "42883"}


def _try(conn: psycopg.Connection, name: str, params: dict | None = None) -> list[dict] | None:
    """Rows of a named query, or None when this role may not read them."""
    try:
        with conn.transaction():
            return conn.execute(query(name), params).fetchall()
    except psycopg.DatabaseError as exc:
        if exc.sqlstate not in UNREADABLE:
            raise from_db_error(exc, where=f"status ({name.replace('_', ' ')})") from None
        return None


def collect(conn: psycopg.Connection, t: Target) -> dict:
    server = conn.execute(query("server")).fetchone()
    cron_db = _try(conn, "cron_database")  # a superuser-only setting: unknown to app roles
    st: dict = {"database": server["database"], "server_version": server["server_version"],
                "deployed": server["deployed"], "cron_database": cron_db[0]["cron_database"] if cron_db else None,
                "cron_visible": cron_db is not None,
                "deployed_changes": None, "last_change": None, "tables": [], "tenants": None, "cron_jobs": None}
    st["extensions"] = {r["name"]: r["version"] for r in conn.execute(query("extensions")).fetchall()}
    changes = _try(conn, "sqitch_changes") if server["sqitch"] else None
    if changes is not None:  # else the registry is not readable by this role (or not here): unknown, not 0
        st["deployed_changes"] = len(changes)
        st["last_change"] = changes[-1]["change"] if changes else None
    if not server["deployed"]:
        return st
    # The owner's status spans every tenant, for the rest of this read-only
    # transaction: the database honours the mode for the owner only (app roles,
    # with no tenant set, read "a tenant's rows"; a superuser bypasses RLS anyway).
    conn.execute(query("owner_reads_every_tenant"))
    for table in conn.execute(query("fieldmap_tables")).fetchall():
        unreadable = None
        try:
            with conn.transaction():
                rows = conn.execute(sql.SQL("SELECT count(*) AS n FROM fieldmap.{}").format(
                    sql.Identifier(table["name"]))).fetchone()["n"]
        except psycopg.DatabaseError as exc:
            if exc.sqlstate not in UNREADABLE:
                raise from_db_error(exc, where=f"status (table {table['name']})") from None
            rows, unreadable = None, ("a tenant's rows: none in context" if exc.sqlstate == "MR003" else "no access")
        st["tables"].append({**table, "rows": rows, "unreadable": unreadable})
    st["tenants"] = _try(conn, "per_tenant_counts")
    schema = _try(conn, "schema_embeddings_missing", {"model": None})  # of the default model
    st["schema_to_embed"] = schema[0]["missing"] if schema else None
    grid = _try(conn, "grid_status")
    st["grid"] = grid[0] if grid else None
    plan = _try(conn, "vector_index_plan")  # the owner's: None for app roles
    st["vector_indexes"] = None if plan is None else [
        {k: r[k] for k in ("action", "tenant", "connector", "model", "vectors", "index_name")} for r in plan if r["action"] != "comment"]
    if st["cron_database"]:
        try:  # this database's jobs, in pg_cron's own database
            st["cron_jobs"] = cron.jobs(cron.locate(conn, t))
        except FieldmapError:
            st["cron_jobs"] = None
    return st


def _job(jobs: list[dict] | None, name: str) -> dict | None:
    """This database's pg_cron job of that name (fieldmap-refresh-grid), if installed and visible."""
    return next((j for j in jobs or [] if j["name"].split("@")[0] == name), None)


def render(st: dict) -> str:
    lines = [f"database   {st['database']} (PostgreSQL {st['server_version']})"]
    if not st["deployed"]:
        lines.append("fieldmap   not deployed in this database: run 'make deploy' (or 'sqitch deploy')")
        return "\n".join(lines)
    lines += [
        (f"sqitch     {st['deployed_changes']} changes deployed, last: {st['last_change']}" if st["last_change"]
         else "sqitch     deployed (this role may not read Sqitch's registry for the details)"),
        "extensions " + ", ".join(f"{n} {v}" for n, v in st["extensions"].items()),
        "tables",
    ]
    width = max((len(t["name"]) for t in st["tables"]), default=10)
    for t in st["tables"]:
        suffix = "  (materialized view)" if t["kind"] != "table" else ""
        rows = f"{t['rows']:>9}" if t["rows"] is not None else f"  ({t['unreadable']})"
        lines.append(f"  {t['name']:<{width}}  {rows}{suffix}")
    tenants = st["tenants"]
    if tenants is None:
        lines.append("tenants    (counts per tenant need the owner's rights)")
    elif tenants:
        any_embeddings = any(t["embeddings"] for t in tenants)
        lines.append("tenants")
        for t in tenants:
            if not any_embeddings:
                embedded = "no embeddings yet"
            else:
                waiting = [f"{t[k]} to {verb}" for k, verb in (("to_embed", "embed"), ("to_index", "index")) if t[k]]
                embedded = f"{t['embeddings']:>7} embedded" + (f" ({', '.join(waiting)})" if waiting else "")
            lines.append(f"  {t['slug']:<22} {t['connectors']:>3} connectors {t['active_mappings']:>7} active mappings"
                         f"  {embedded}  {t['grid_rows']:>7} grid rows  {t['unsealed_audit_rows']:>5} audit rows unsealed")
    jobs = st.get("cron_jobs")
    if tenants and any(t["to_index"] for t in tenants):
        by_hand = "as the owner: CALL fieldmap.index_new_embeddings_for(3600), again until none wait"
        job = _job(jobs, "fieldmap-index-embeddings")
        if st["cron_visible"] and st["cron_database"] is None:
            why = f"pg_cron is not preloaded on this server to index them ({by_hand})"
        elif jobs is None:
            why = f"this role cannot see whether a pg_cron job indexes them ('fieldmap cron list' as a superuser; or {by_hand})"
        elif job is None:
            why = f"no pg_cron job indexes them here ('fieldmap cron install'; or {by_hand})"
        elif not job["active"]:
            why = f"pg_cron's job {job['name']}, which indexes them, is inactive ('fieldmap cron install' turns it on)"
        else:
            why = None
        if why:
            lines.append(f"indexing   stored vectors wait for the HNSW indexes, and {why}")
    if st.get("schema_to_embed"):
        lines.append(f"schema     {plural(st['schema_to_embed'], 'canonical text')} without a vector: suggestions "
                     "need them ('fieldmap embed' as the owner)")
    grid = st.get("grid")
    if grid is not None:
        when = (f"last refreshed {grid['last_refresh_at']:%Y-%m-%d %H:%M:%S%z} in {grid['last_duration_ms']:.0f} ms"
                if grid["last_refresh_at"] else "never refreshed")
        refresher = ("the pg_cron job fieldmap-refresh-grid refreshes it within a minute"
                     if _job(jobs, "fieldmap-refresh-grid")
                     else "no pg_cron job refreshes it here ('fieldmap cron install')")
        lines.append(f"grid       {'STALE' if grid['stale'] else 'current'}, {when}"
                     + (f" ({refresher}; fieldmap.refresh_lineage_grid() now)" if grid["stale"] else ""))
    todo = st.get("vector_indexes")
    if todo is None:
        lines.append("vectors    (the HNSW index plan needs the owner's rights)")
    else:
        # an index both dropped and created is one left invalid (or being built by a run now): built again
        named = {a: {r["index_name"] for r in todo if r["action"] == a} for a in ("create", "drop")}
        again = named["create"] & named["drop"]
        steps = [f"{plural(len(named['create'] - again), 'HNSW index')} to build", f"{len(named['drop'] - again)} to drop"]
        if again:
            steps.append(f"{len(again)} to build again (left invalid, or being built now)")
        lines.append("vectors    " + ("every tenant and connector has the HNSW indexes it needs" if not todo else
                                      ", ".join(steps) + " (run 'fieldmap vector-indexes' as the owner)"))
    cron_db = st["cron_database"]
    if not st["cron_visible"]:
        lines.append("pg_cron    (where it runs is visible to superusers and pg_read_all_settings only)")
    elif cron_db is None:
        lines.append("pg_cron    not preloaded on this server (shared_preload_libraries)")
    else:
        where = "this database" if cron_db == st["database"] else f"database {cron_db}"
        jobs = st["cron_jobs"]
        lines.append(f"pg_cron    runs in {where}; "
                     + ("this database's jobs are not readable by this role" if jobs is None
                        else f"{len(jobs)} jobs for this database" + ("" if jobs else " (run 'fieldmap cron install')")))
        width = max((len(j["name"]) for j in jobs or []), default=0)
        for j in jobs or []:
            last = f"last run {j['last_start']:%Y-%m-%d %H:%M} {j['last_status']}" if j["last_start"] else "never run"
            lines.append(f"  {j['name']:<{width}}  {j['schedule']:<12} {'active' if j['active'] else 'inactive':<8} {last}")
    return "\n".join(lines)
