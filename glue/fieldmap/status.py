"""What `fieldmap status` reports: the server, whether fieldmap is deployed,
tables with row counts, per tenant its mappings, embeddings, lineage grid
and unsealed audit rows, and where pg_cron runs. Read-only."""

from __future__ import annotations

import psycopg
from psycopg import sql

from .queries import query


def _try(conn: psycopg.Connection, name: str) -> list[dict] | None:
    """Rows of a named query, or None when this role may not read them."""
    try:
        with conn.transaction():
            return conn.execute(query(name)).fetchall()
    except psycopg.OperationalError:
        raise
    except psycopg.DatabaseError:
        return None


def collect(conn: psycopg.Connection) -> dict:
    server = conn.execute(query("server")).fetchone()
    cron = _try(conn, "cron_database")  # a superuser-only setting: unknown to app roles
    st: dict = {"database": server["database"], "server_version": server["server_version"],
                "deployed": server["deployed"], "cron_database": cron[0]["cron_database"] if cron else None,
                "cron_visible": cron is not None,
                "deployed_changes": 0, "last_change": None, "tables": [], "tenants": None, "cron_jobs": None}
    st["extensions"] = {r["name"]: r["version"] for r in conn.execute(query("extensions")).fetchall()}
    changes = _try(conn, "sqitch_changes") if server["sqitch"] else []
    if changes is not None:  # None: the Sqitch registry is not readable by this role
        st["deployed_changes"] = len(changes)
        st["last_change"] = changes[-1]["change"] if changes else None
    if not server["deployed"]:
        return st
    for t in conn.execute(query("fieldmap_tables")).fetchall():
        try:
            with conn.transaction():
                rows = conn.execute(sql.SQL("SELECT count(*) AS n FROM fieldmap.{}").format(
                    sql.Identifier(t["name"]))).fetchone()["n"]
        except psycopg.OperationalError:
            raise
        except psycopg.DatabaseError:
            rows = None  # not readable by this role (or no tenant in context)
        st["tables"].append({**t, "rows": rows})
    st["tenants"] = _try(conn, "per_tenant_counts")
    grid = _try(conn, "grid_status")
    st["grid"] = grid[0] if grid else None
    if "pg_cron" in st["extensions"]:
        st["cron_jobs"] = _try(conn, "cron_jobs")
    return st


def render(st: dict) -> str:
    lines = [f"database   {st['database']} (PostgreSQL {st['server_version']})"]
    if not st["deployed"]:
        lines.append("fieldmap   not deployed in this database: run 'make deploy' (or 'sqitch deploy')")
        return "\n".join(lines)
    lines += [
        f"sqitch     {st['deployed_changes']} changes deployed" + (f", last: {st['last_change']}" if st["last_change"]
                                                                   else " (or the registry is not readable)"),
        "extensions " + ", ".join(f"{n} {v}" for n, v in st["extensions"].items()),
        "tables",
    ]
    width = max((len(t["name"]) for t in st["tables"]), default=10)
    for t in st["tables"]:
        suffix = "  (materialized view)" if t["kind"] != "table" else ""
        rows = f"{t['rows']:>9}" if t["rows"] is not None else "  (no access)"
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
                embedded = f"{t['embeddings']:>7} embeddings"
            lines.append(f"  {t['slug']:<22} {t['connectors']:>3} connectors {t['active_mappings']:>7} active mappings"
                         f"  {embedded}  {t['grid_rows']:>7} grid rows  {t['unsealed_audit_rows']:>5} audit rows unsealed")
    grid = st.get("grid")
    if grid is not None:
        when = (f"last refreshed {grid['last_refresh_at']:%Y-%m-%d %H:%M:%S%z} in {grid['last_duration_ms']:.0f} ms"
                if grid["last_refresh_at"] else "never refreshed")
        lines.append(f"grid       {'STALE' if grid['stale'] else 'current'}, {when}"
                     + (" (the pg_cron job fieldmap-refresh-grid refreshes it within a minute; "
                        "fieldmap.refresh_lineage_grid() now)" if grid["stale"] else ""))
    cron_db = st["cron_database"]
    if not st["cron_visible"]:
        lines.append("pg_cron    (where it runs is visible to superusers and pg_read_all_settings only)")
    elif cron_db is None:
        lines.append("pg_cron    not preloaded on this server (shared_preload_libraries)")
    elif cron_db != st["database"]:
        lines.append(f"pg_cron    runs in database {cron_db}, not this one: jobs for this database are scheduled "
                     "from there with cron.schedule_in_database()")
    else:
        lines.append(f"pg_cron    runs in this database ({cron_db})")
    if st["cron_jobs"]:
        for j in st["cron_jobs"]:
            lines.append(f"  {j['name']:<22} {j['schedule']:<12} {j['command']}{'' if j['active'] else ' (inactive)'}")
    return "\n".join(lines)
