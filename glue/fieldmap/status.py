"""What `fieldmap status` reports: deployed changes, tables with row counts,
extension versions. Read-only."""

from __future__ import annotations

import psycopg
from psycopg import sql

from .queries import query


def collect(conn: psycopg.Connection) -> dict:
    with conn.cursor() as cur:
        cur.execute(query("server"))
        server_version, database, cron_db = cur.fetchone()
        changes: list[dict] = []
        cur.execute("SELECT to_regclass('sqitch.changes') IS NOT NULL")
        if cur.fetchone()[0]:
            cur.execute(query("sqitch_changes"))
            changes = [{"change": c, "deployed_at": t.isoformat()} for c, t in cur.fetchall()]
        cur.execute(query("fieldmap_tables"))
        tables = []
        for name, kind in cur.fetchall():
            cur.execute(sql.SQL("SELECT count(*) FROM fieldmap.{}").format(sql.Identifier(name)))
            tables.append({"name": name, "kind": kind, "rows": cur.fetchone()[0]})
        cur.execute(query("extensions"))
        extensions = {n: v for n, v in cur.fetchall()}
        tenants = []
        if any(t["name"] == "tenants" for t in tables) and changes and "function_migration" in {c["change"] for c in changes}:
            cur.execute(query("per_tenant_counts"))
            tenants = [dict(zip(("slug", "connectors", "active_mappings", "embeddings_pending", "grid_rows"), r))
                       for r in cur.fetchall()]
        jobs = []
        if "pg_cron" in extensions:
            cur.execute(query("cron_jobs"))
            jobs = [dict(zip(("name", "schedule", "command", "active"), r)) for r in cur.fetchall()]
    return {
        "database": database,
        "server_version": server_version,
        "cron_database": cron_db,
        "deployed_changes": len(changes),
        "last_change": changes[-1]["change"] if changes else None,
        "tables": tables,
        "extensions": extensions,
        "tenants": tenants,
        "cron_jobs": jobs,
    }


def render(st: dict) -> str:
    lines = [
        f"database   {st['database']} (PostgreSQL {st['server_version']})",
        f"sqitch     {st['deployed_changes']} changes deployed"
        + (f", last: {st['last_change']}" if st["last_change"] else " (run 'make deploy')"),
        "extensions " + ", ".join(f"{n} {v}" for n, v in st["extensions"].items()),
        "tables",
    ]
    width = max((len(t["name"]) for t in st["tables"]), default=10)
    for t in st["tables"]:
        suffix = "  (materialized view)" if t["kind"] != "table" else ""
        lines.append(f"  {t['name']:<{width}}  {t['rows']:>9}{suffix}")
    if st["tenants"]:
        lines.append("tenants    (grid rows lagging active mappings: refresh with `fieldmap grid`)")
        for t in st["tenants"]:
            lines.append(f"  {t['slug']:<22} {t['connectors']:>3} connectors {t['active_mappings']:>7} active mappings"
                         f" {t['embeddings_pending']:>7} embeddings pending {t['grid_rows']:>7} grid rows")
    if st["cron_jobs"]:
        lines.append("cron jobs")
        for j in st["cron_jobs"]:
            lines.append(f"  {j['name']:<22} {j['schedule']:<12} {j['command']}{'' if j['active'] else ' (inactive)'}")
    return "\n".join(lines)
