"""Mapping lookup by (tenant, connector name, source table, source field),
timed server-side (clock_timestamp around each lookup in PL/pgSQL, so client
round trips do not count), at 10k and 100k mappings over 100 tenants: as the
superuser (row-level security bypassed), and at 100k as a login role of
fieldmap_reader acting for one tenant, so each lookup pays the tenant check
of the row-level security policy (fieldmap.current_tenant_id()).

Seed target: < 100 ms at 10k. Goal: p50 <= 0.5 ms, p99 <= 2 ms."""

from __future__ import annotations

import statistics

import psycopg
from synthetic import QUICK, grow, login_role, registry, scaled

TENANTS = 100
CONNECTORS_PER_TENANT = 10
RUNS = scaled(5, 1)
LOOKUPS_PER_RUN = scaled(2000, 200)

APP_ROLE = "fieldmap_bench_reader"  # cluster-wide; created if missing, member of fieldmap_reader

TIMER = """
CREATE OR REPLACE FUNCTION pg_temp.time_lookups(n int, OUT p50_ms float8, OUT p99_ms float8)
LANGUAGE plpgsql AS $$
DECLARE
  keys record;
  durations float8[] := '{}';
  t0 timestamptz;
  found_id uuid;
BEGIN
  FOR keys IN
    SELECT fm.tenant_id, cd.connector_name, fm.source_table, fm.source_field
      FROM fieldmap.field_mappings fm
      JOIN fieldmap.connector_definitions cd ON cd.tenant_id = fm.tenant_id AND cd.id = fm.connector_id
     ORDER BY random() LIMIT n
  LOOP
    t0 := clock_timestamp();
    SELECT fm.id INTO found_id
      FROM fieldmap.field_mappings fm
      JOIN fieldmap.connector_definitions cd ON cd.tenant_id = fm.tenant_id AND cd.id = fm.connector_id
     WHERE fm.tenant_id = keys.tenant_id AND cd.connector_name = keys.connector_name
       AND fm.source_table = keys.source_table AND fm.source_field = keys.source_field;
    durations := durations || extract(epoch FROM clock_timestamp() - t0) * 1000;
    IF found_id IS NULL THEN RAISE EXCEPTION 'lookup found nothing'; END IF;
  END LOOP;
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.99) WITHIN GROUP (ORDER BY d)
    INTO p50_ms, p99_ms FROM unnest(durations) d;
END
$$;
"""


def measure(conn: psycopg.Connection) -> tuple[float, float]:
    p50s, p99s = [], []
    for _ in range(RUNS):
        p50, p99 = conn.execute("SELECT * FROM pg_temp.time_lookups(%s)", (LOOKUPS_PER_RUN,)).fetchone()
        p50s.append(p50)
        p99s.append(p99)
    return statistics.median(p50s), statistics.median(p99s)


def run(url: str) -> list[dict]:
    rows = []
    with psycopg.connect(url, autocommit=True) as conn:
        registry(conn, TENANTS, CONNECTORS_PER_TENANT)
        lo = 1
        for total in ((1_000, 5_000) if QUICK else (10_000, 100_000)):
            hi = total // TENANTS
            grow(conn, lo, hi, CONNECTORS_PER_TENANT)
            lo = hi + 1
            conn.execute(TIMER)
            p50, p99 = measure(conn)
            scale = f"{total:,} mappings, {TENANTS} tenants"
            rows.append({"metric": "mapping lookup p50 (server-side)", "seed_target": "< 100 ms at 10k",
                         "goal": "<= 0.5 ms", "median": f"{p50:.3f} ms", "scale": scale, "met": p50 <= 0.5})
            rows.append({"metric": "mapping lookup p99 (server-side)", "seed_target": "< 100 ms at 10k",
                         "goal": "<= 2 ms", "median": f"{p99:.3f} ms", "scale": scale, "met": p99 <= 2.0})
        app_url = login_role(conn, url, APP_ROLE, "fieldmap_reader", "bench-1")
    with psycopg.connect(app_url, autocommit=True) as app:
        app.execute("SELECT fieldmap.set_context('bench-1', for_session => true)")
        app.execute(TIMER)
        p50, p99 = measure(app)
    scale = f"100,000 mappings, {TENANTS} tenants; as {APP_ROLE} (RLS in force), one tenant's keys"
    rows.append({"metric": "mapping lookup p50 (server-side, app role)", "seed_target": "< 100 ms at 10k",
                 "goal": "<= 0.5 ms", "median": f"{p50:.3f} ms", "scale": scale, "met": p50 <= 0.5})
    rows.append({"metric": "mapping lookup p99 (server-side, app role)", "seed_target": "< 100 ms at 10k",
                 "goal": "<= 2 ms", "median": f"{p99:.3f} ms", "scale": scale, "met": p99 <= 2.0})
    return rows
